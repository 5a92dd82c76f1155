"""Whether two titles read as one problem, and the report carried on the answer's buttons."""

from __future__ import annotations

import pytest

from bot.errors import BadInput
from bot.incidents import Declaration, carried, carry
from bot.incidents.lookalike import BUTTON_VALUE_LIMIT, alike


@pytest.mark.parametrize(
    ("title", "other"),
    [
        ("checkout is broken for everyone", "Checkout broken for everyone!!"),
        ("site down", "the site is down for everyone"),
        ("paymnet gateway failing", "payment gateway failing"),
        ("Ñandú façade broken", "nandu facade broken"),
        ("checkout returns 502", "checkout returns 502 for everyone"),
        ("checkout down", "checkout down since 10"),
    ],
)
def test_the_same_problem_in_other_words_is_alike(title: str, other: str) -> None:
    assert alike(title, other) and alike(other, title)


@pytest.mark.parametrize(
    ("title", "other"),
    [
        ("checkout broken", "search broken"),
        ("checkout is slow", "checkout is broken for everyone"),
        ("the", "the"),  # nothing left to compare
        ("emails not sending", "search results are empty"),
        ("typo number 3 in the footer", "typo number 4 in the footer"),
        ("checkout is broken for everyone pb17", "checkout is broken for everyone pb18"),
        ("orders page blank number 1", "orders page blank number 2"),
    ],
)
def test_different_problems_are_not(title: str, other: str) -> None:
    assert not alike(title, other)


def test_the_report_rides_on_the_button_and_comes_back_whole() -> None:
    request = Declaration(
        text="checkout “down” <!here>", reporter="U1", tier=2, source_key="command:T1"
    )
    value = carry(request, 7)
    assert value is not None and len(value) <= BUTTON_VALUE_LIMIT
    assert carried(value, "U1") == (7, request)


def test_a_report_too_long_for_a_button_is_not_carried() -> None:
    assert carry(Declaration(text="x" * BUTTON_VALUE_LIMIT, reporter="U1"), 7) is None


def test_a_forged_value_is_bad_input() -> None:
    with pytest.raises(BadInput):
        carried("not json", "U1")
