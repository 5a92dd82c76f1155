"""User text made safe: control characters stripped, mrkdwn escaped, clipped to limits."""

from __future__ import annotations

import re

_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as markup, so <!channel> pings nobody."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKUP = re.compile(r"[`*]|(?<![\w])_|_(?![\w])")


def plain(text: str) -> str:
    """mrkdwn the bot wrote, for a plain-text place (a form field's error): no backticks or
    emphasis marks shown literally, entities back to their characters."""
    text = _MARKUP.sub("", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# C0 and C1 controls and DEL (a NUL is refused by PostgreSQL, ESC drives terminals that show
# logs), plus the bidi overrides and isolates, which make text read other than it is written.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"\r\n?")


def clean_text(text: str, *, multiline: bool) -> str:
    """Typed text without control or bidi characters; where it may not span lines, newlines
    and tabs become spaces."""
    text = _LINE_BREAK.sub("\n", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return _UNWANTED.sub("", text)


_USER_ID = re.compile(r"\b([UW][A-Z0-9]{4,})\b")


def mention_ids(text: str) -> str:
    """Turn Slack user ids in text the bot wrote itself into mentions (never user text)."""
    return _USER_ID.sub(r"<@\1>", text)


def clip(text: str, limit: int) -> str:
    """Cut text to at most limit characters, ending in … and never mid-entity or mid-link."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    cut = _ENTITY_TAIL.sub("", cut)
    return cut.rstrip() + "…"
