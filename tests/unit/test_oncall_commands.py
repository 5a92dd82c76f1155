"""The /oncall grammar: text in, a typed command out."""

from __future__ import annotations

import pytest

from bot.oncall.commands import OnCallCommand, parse


@pytest.mark.parametrize(
    ("text", "user", "level", "until"),
    [
        ("cover <@U123|sam> 2 18:00", "U123", 2, "18:00"),
        ("cover 2 <@U123>", "U123", 2, ""),
        ("cover U123 L2 4h", "U123", 2, "4h"),
        ("cover <@U0DEV1> level3 2d", "U0DEV1", 3, "2d"),
        ("cover <@W0ENT9|ent> l1", "W0ENT9", 1, ""),
        ("  COVER   <@U123|sam>   2   2026-12-01 09:00  ", "U123", 2, "2026-12-01 09:00"),
        ("cover <@U123> 2026-12-01 4", "U123", 4, "2026-12-01"),
    ],
)
def test_cover_reads_user_level_and_until_in_any_order(
    text: str, user: str, level: int, until: str
) -> None:
    assert parse(text) == OnCallCommand("cover", user=user, level=level, until=until)


def test_cover_with_level_first_keeps_the_until_after_the_user() -> None:
    parsed = parse("cover 3 <@U9> 18:00")
    assert (parsed.user, parsed.level, parsed.until) == ("U9", 3, "18:00")


def test_only_the_first_user_and_level_count_the_rest_is_the_until() -> None:
    # The leftovers reach the service, which refuses them as a time (not silently dropped).
    parsed = parse("cover <@U1> 2 <@U2> 3")
    assert (parsed.name, parsed.user, parsed.level, parsed.until) == ("cover", "U1", 2, "<@U2> 3")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("cover", "needs_user"),
        ("cover 2", "needs_user"),
        ("cover 2 18:00", "needs_user"),
        ("cover @sam 2", "needs_user"),  # an unescaped name is not a user id
        ("cover u123 2", "needs_user"),  # ids are upper case
        ("cover <@U123>", "needs_level"),
        ("cover <@U123> 18:00", "needs_level"),
        ("cover U123 4h", "needs_level"),
    ],
)
def test_cover_without_user_or_level_explains(text: str, problem: str) -> None:
    parsed = parse(text)
    assert parsed.name == "help"
    assert parsed.problem == problem


@pytest.mark.parametrize("text", ["", "   ", "now", "who", "NOW"])
def test_now(text: str) -> None:
    assert parse(text) == OnCallCommand("now")


@pytest.mark.parametrize("text", ["schedule", "Schedule", "week", "next"])
def test_schedule(text: str) -> None:
    assert parse(text) == OnCallCommand("schedule")


@pytest.mark.parametrize("text", ["help", "HELP", "help cover"])
def test_help_has_no_problem(text: str) -> None:
    assert parse(text) == OnCallCommand("help")


@pytest.mark.parametrize(
    ("text", "given"),
    [
        ("swap <@U1>", "swap"),
        ("whois", "whois"),
        ("x" * 50, "x" * 30),
    ],
)
def test_an_unknown_word_is_named_in_the_help(text: str, given: str) -> None:
    parsed = parse(text)
    assert (parsed.name, parsed.problem, parsed.given) == ("help", "unknown_subcommand", given)


def test_level_may_be_written_as_a_word_before_the_number() -> None:
    parsed = parse("cover <@U0SUP2|sam> level 2 18:00")
    assert (parsed.name, parsed.user, parsed.level, parsed.until) == ("cover", "U0SUP2", 2, "18:00")
