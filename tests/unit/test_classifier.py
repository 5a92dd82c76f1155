"""Tier and category suggestions from free text: nearest shipped examples plus rules."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.config import ClassifierRule, Plan
from bot.config.seed import CATEGORIES
from bot.incidents.classifier import (
    Classifier,
    Example,
    match_phrases,
    read_examples,
    shipped_examples,
)
from bot.incidents.classifier.evaluate import read_labelled
from bot.incidents.classifier.text import normalise

REPORTS = Path(__file__).parents[1] / "data" / "classifier" / "reports.tsv"


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.for_plan(Plan())


@pytest.mark.parametrize(
    ("text", "tier", "category"),
    [
        # paraphrase
        ("our webshop went offline", 1, "outage"),
        ("we are unable to accept payments at the moment", 1, "payments"),
        ("somebody got into the admin account last night", 1, "security"),
        ("the customers table got wiped", 1, "data"),
        ("emails not sending", 2, "email"),
        ("orders stuck in pending", 2, "orders"),
        ("the back office will not let anyone log in", 2, "admin"),
        # scope
        ("the website is down for everyone", 1, "outage"),
        ("the website is down for mobile users only", 2, "outage"),
        ("card payments fail for some customers in Germany", 2, "payments"),
        # numbers against the seed's "> 5 seconds"
        ("product pages take 8 seconds", 2, "performance"),
        ("homepage loads in 3 seconds, could be quicker", 3, "performance"),
        ("the catalogue could load faster", 3, "performance"),
        # requests and wishes
        ("please add a gift message field", 4, "enhancement"),
        ("could we offer free shipping over 50 euros", 4, "enhancement"),
        ("it would be nice to see stock levels on the product page", 4, "enhancement"),
        # negation
        ("checkout is not down, just slow", 2, "performance"),
        # the rest of the seed's categories
        ("button misaligned on mobile", 3, "ui"),
        ("typo in the footer", 4, "cosmetic"),
        ("the returns faq is outdated", 4, "docs"),
    ],
)
def test_understands_everyday_words(
    classifier: Classifier, text: str, tier: int, category: str
) -> None:
    found = classifier.suggest(text)
    assert (found.tier, found.category) == (tier, category), found


def test_says_which_words_decided_and_how_sure(classifier: Classifier) -> None:
    found = classifier.suggest("pages take 8 seconds to load")
    assert found.words == ("8 seconds > 5 s",)
    assert found.confidence >= 0.8 and not found.close_call
    wish = classifier.suggest("please add dark mode")
    assert "please add" in wish.words


def test_text_like_nothing_it_knows_is_the_default_tier(classifier: Classifier) -> None:
    found = classifier.suggest("hello there")
    assert (found.tier, found.category, found.matched, found.phrase) == (3, "general", False, None)


def test_a_weak_match_is_a_close_call_with_a_runner_up(classifier: Classifier) -> None:
    found = classifier.suggest("the widget feels off today")
    assert found.close_call


def test_a_learned_correction_decides_the_next_similar_report(classifier: Classifier) -> None:
    text = "the loyalty points page shows an error"
    assert classifier.suggest(text).tier == 3
    learned = [Example(text, 2, "loyalty", "learned", incident_id=7)]
    found = classifier.suggest("loyalty points page shows an error again", learned)
    assert (found.tier, found.category, found.learned_from) == (2, "loyalty", 7)


def test_a_correction_never_takes_a_critical_report_below_tier_two(
    classifier: Classifier,
) -> None:
    learned = [Example("the whole site is down for everyone", 4, "docs", "learned", 9)]
    found = classifier.suggest("the whole site is down for everyone again", learned)
    assert (found.tier, found.learned_from) == (2, 9)


def test_team_examples_from_config_join_the_shipped_ones() -> None:
    plan = Plan.model_validate(
        {
            "classifier": {
                "examples": [{"text": "the kiosk is frozen", "tier": 1, "category": "kiosk"}]
            }
        }
    )
    found = Classifier.for_plan(plan).suggest("the kiosk in store 4 is frozen")
    assert (found.tier, found.category) == (1, "kiosk")
    assert "kiosk" in plan.categories()


def test_the_threshold_is_read_from_the_plan() -> None:
    tiers = Plan().model_dump()["tiers"]
    tiers[2]["examples"] = ["Performance degradation (> 10 seconds)"]
    plan = Plan.model_validate({"tiers": tiers})
    assert Classifier.for_plan(plan).suggest("pages take 8 seconds to load").tier == 3


def test_a_plan_with_fewer_tiers_only_suggests_those() -> None:
    plan = Plan.model_validate(
        {"tiers": {1: {"name": "Urgent", "respond": "15m"}, 2: {"name": "Later", "respond": "1d"}}}
    )
    classifier = Classifier.for_plan(plan)
    assert {e.tier for e in classifier.examples} == {1, 2}
    assert classifier.suggest("please add dark mode").tier == 2


def test_meets_the_issue_goals_on_the_labelled_reports(classifier: Classifier) -> None:
    rows = read_labelled(REPORTS)
    shipped = {normalise(e.text).strip() for e in classifier.examples}
    assert not [r.text for r in rows if normalise(r.text).strip() in shipped]
    found = [(r, classifier.suggest(r.text)) for r in rows]
    hits = sum(s.tier in r.tiers for r, s in found)
    assert hits / len(rows) >= 0.9
    assert not [r.text for r, s in found if 1 in r.tiers and s.tier > 2]


def test_fast_enough(classifier: Classifier) -> None:
    started = time.perf_counter()
    Classifier.for_plan(Plan())
    assert time.perf_counter() - started < 1.0
    texts = [r.text for r in read_labelled(REPORTS)] * 5
    classifier.suggest("warm up")

    def p99() -> float:
        took = []
        for text in texts:
            began = time.process_time()
            classifier.suggest(text)
            took.append(time.process_time() - began)
        return sorted(took)[int(0.99 * len(took))]

    # CPU time, best of three rounds: on a shared machine, wall time measures the neighbours.
    assert min(p99() for _ in range(3)) < 0.005


def test_shipped_examples_are_well_formed() -> None:
    examples = shipped_examples()
    assert len(examples) >= 250
    for example in examples:
        assert example.category in CATEGORIES[example.tier], example
    assert {e.tier for e in examples} == set(CATEGORIES)


def test_a_malformed_example_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text("# comment\nfine\t1\toutage\nnot fine\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mine.tsv:3"):
        read_examples(path)


def test_phrase_rules_are_tried_in_order() -> None:
    rules = [
        ClassifierRule(tier=2, category="search", phrases=["search* broken"]),
        ClassifierRule(tier=1, category="everything", phrases=["broken"]),
    ]
    assert match_phrases("Searching is broken", rules, default_tier=3).category == "search"
    assert match_phrases("all broken", rules, default_tier=3).category == "everything"
    assert not match_phrases("website downtime", rules[:1], default_tier=3).matched
