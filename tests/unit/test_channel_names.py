"""Incident channel names: Slack's rules, and readable for titles in any Latin script."""

from __future__ import annotations

import pytest

from bot.incidents.delivery import channel_name


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Checkout is DOWN!", "inc-7-checkout-is-down"),
        ("ñandú façade", "inc-7-nandu-facade"),
        ("Straße gesperrt — Øresund", "inc-7-strasse-gesperrt-oresund"),
        ("支付失败", "inc-7"),
    ],
)
def test_accents_are_dropped_not_the_letters(title: str, name: str) -> None:
    assert channel_name("inc", 7, title) == name


def test_a_long_title_is_cut_at_80_without_a_trailing_hyphen() -> None:
    name = channel_name("inc", 7, "word " * 40)
    assert len(name) <= 80 and not name.endswith("-")
