"""Tier and category suggestions from free text (SPEC §3 phrase rules)."""

from __future__ import annotations

import pytest

from bot.config import ClassifierRule, Plan
from bot.incidents.classifier import suggest


@pytest.mark.parametrize(
    ("text", "tier", "category"),
    [
        ("checkout is broken for everyone", 1, "checkout"),
        ("The site is completely down!!", 1, "site"),
        ("payment processing failure on Visa", 1, "payments"),
        ("customer data corrupted after import", 1, "data"),
        ("I think we got hacked", 1, "security"),
        ("emails not sending", 2, "email"),
        ("admin panel inaccessible", 2, "admin"),
        ("orders stuck in pending", 2, "orders"),
        ("product pages are slow, 8 seconds", 2, "performance"),
        ("partial outage in EU", 2, "outage"),
        ("button misaligned on mobile", 3, "ui"),
        ("seeing a few errors in the logs", 3, "errors"),
        ("feature request: wishlist", 4, "enhancement"),
        ("update the documentation for returns", 4, "docs"),
        ("typo in the footer", 4, "cosmetic"),
    ],
)
def test_seed_phrases(text: str, tier: int, category: str) -> None:
    plan = Plan()
    guess = suggest(text, plan.classifier, default_tier=3)
    assert (guess.tier, guess.category) == (tier, category)
    assert guess.matched


def test_nothing_matched_is_the_default_tier() -> None:
    guess = suggest("hello there", Plan().classifier, default_tier=3)
    assert (guess.tier, guess.category, guess.phrase) == (3, "general", None)


def test_rules_are_configurable_and_tried_in_order() -> None:
    rules = [
        ClassifierRule(tier=2, category="search", phrases=["search* broken"]),
        ClassifierRule(tier=1, category="everything", phrases=["broken"]),
    ]
    assert suggest("Searching is broken", rules, default_tier=3).category == "search"
    assert suggest("all broken", rules, default_tier=3).category == "everything"


def test_words_must_all_appear_as_words() -> None:
    rules = [ClassifierRule(tier=1, category="site", phrases=["site down"])]
    assert not suggest("website downtime", rules, default_tier=3).matched
    assert suggest("Site: DOWN", rules, default_tier=3).matched
