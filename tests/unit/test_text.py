"""Escaping and clipping user text for Slack."""

from __future__ import annotations

import pytest

from bot.slack.text import clean_text, clip, escape_mrkdwn


def test_mentions_and_markup_are_defused() -> None:
    assert escape_mrkdwn("<!channel> & <@U123> <!here>") == (
        "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;!here&gt;"
    )


def test_clip_never_cuts_inside_an_entity_or_link() -> None:
    assert clip("short", 10) == "short"
    clipped = clip("abc &amp; def", 8)
    assert clipped == "abc…" and len(clipped) <= 8
    assert clip("see <#C123|general> now", 12) == "see…"


@pytest.mark.parametrize(
    ("text", "multiline", "expected"),
    [
        ("a\x00b\x1b[1mc\x07", False, "ab[1mc"),
        ("evil\u202etxt.exe \u2066x\u2069", False, "eviltxt.exe x"),
        ("c1\x85\x9b and del\x7f", False, "c1 and del"),
        ("one\r\ntwo\rthree\tfour", True, "one\ntwo\nthree\tfour"),
        ("one\r\ntwo\tthree", False, "one two three"),
        ("émoji 🔥 — “quotes” and \u200fmarks", True, "émoji 🔥 — “quotes” and \u200fmarks"),
    ],
)
def test_clean_text_strips_controls_and_bidi_overrides(
    text: str, multiline: bool, expected: str
) -> None:
    assert clean_text(text, multiline=multiline) == expected
