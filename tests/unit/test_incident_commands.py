"""The /incident grammar."""

from __future__ import annotations

import pytest

from bot.incidents import Command, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command("form")),
        ("  help ", Command("help")),
        ("list", Command("list")),
        ("show INC-42", Command("show", 42)),
        ("ack 42", Command("ack", 42)),
        ("acknowledge inc42", Command("ack", 42)),
        ("escalate #7 need a dev", Command("escalate", 7, text="need a dev")),
        ("tier INC-3 1", Command("tier", 3, tier=1)),
        ("tier INC-3 0", Command("tier", 3, tier=0)),
        ("update 3 rolled back", Command("update", 3, text="rolled back")),
        ("resolve 3 fixed the cache", Command("resolve", 3, text="fixed the cache")),
        ("reopen INC-3", Command("reopen", 3)),
        ("checkout is broken", Command("declare", text="checkout is broken")),
        ("list of products is empty", Command("declare", text="list of products is empty")),
    ],
)
def test_parse(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ack", "needs_id"),
        ("show INC-4x", "bad_id"),
        ("ack #x", "bad_id"),
        ("show", "needs_id"),
        ("tier 3 x", "needs_tier"),
        ("update 3", "needs_text"),
        ("frobnicate INC-3", "unknown_subcommand"),
        ("lsit", "unknown_subcommand"),
        ("ack 99999999999999", "bad_id"),
    ],
)
def test_mistakes_get_help_not_an_incident(text: str, problem: str) -> None:
    parsed = parse(text)
    assert (parsed.name, parsed.problem) == ("help", problem)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("show page crashes on safari", "show"),
        ("update banner shows the wrong price", "update"),
        ("tier pricing page is blank", "tier"),
        ("resolve button does nothing on mobile", "resolve"),
        ("close button missing on checkout modal", "resolve"),
        ("ack emails are not sent", "ack"),
        ("acknowledge emails are not sent", "ack"),
        ("escalate path broken in the admin", "escalate"),
        ("reopen tickets vanish", "reopen"),
        ("show 2fa codes not arriving", "show"),
        ("Show incoming mail is late", "show"),
        ("show banana", "show"),
    ],
)
def test_a_title_starting_with_a_command_word_is_declared_whole(text: str, meant: str) -> None:
    assert parse(text) == Command("declare", text=text, meant=meant)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A valid reference stays a command, so a missing incident is a not-found answer.
        ("show INC-999", Command("show", 999)),
        ("update 3 servers down", Command("update", 3, text="servers down")),
    ],
)
def test_a_valid_reference_after_a_command_word_stays_a_command(
    text: str, expected: Command
) -> None:
    assert parse(text) == expected
