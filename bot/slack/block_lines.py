"""The blocks templates print, one a line (render.py reads a block a line).

Called from templates as b.section(…), b.context(…) and so on. They were Jinja macros; as
functions they cost a fraction (a macro call builds a frame, a context and its output in
Jinja's runtime). Every text is clipped to its Block Kit limit.

A block printed during a render (printing) is kept as the object it is, and its line holds
only a reference to it: the render reads the object back, not JSON text printed and parsed
again. Outside a render, a block prints as its JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from bot.slack.blocks import plain
from bot.slack.text import clip

# A reference line: NUL never appears in printed JSON (json.dumps escapes it), so a line that
# starts with it is one of these.
REFERENCE = "\x00"
_PRINTED: ContextVar[list[Any] | None] = ContextVar("printed", default=None)


@contextmanager
def printing() -> Iterator[list[Any]]:
    """The objects printed by reference while the block runs, in the order printed."""
    printed: list[Any] = []
    token = _PRINTED.set(printed)
    try:
        yield printed
    finally:
        _PRINTED.reset(token)


def printed_line(value: Any) -> str:
    """A line for a JSON value: a reference to it during a render, else its JSON."""
    printed = _PRINTED.get()
    if printed is None:
        return json.dumps(value, ensure_ascii=False)
    printed.append(value)
    return f"{REFERENCE}{len(printed) - 1}"


def _mrkdwn(text: str, limit: int) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit)}


def text_line(text: str) -> str:
    """The envelope: a message's fallback text."""
    return printed_line({"text": clip(text, 3000)})


def header(text: str) -> str:
    return printed_line({"type": "header", "text": plain(text, 150)})


def section(text: str, block_id: str | None = None) -> str:
    block: dict[str, Any] = {"type": "section"}
    if block_id:
        block["block_id"] = block_id
    block["text"] = _mrkdwn(text, 3000)
    return printed_line(block)


def fields(items: Sequence[str]) -> str:
    return printed_line({"type": "section", "fields": [_mrkdwn(item, 2000) for item in items[:10]]})


def context(text: str) -> str:
    return printed_line({"type": "context", "elements": [_mrkdwn(text, 2000)]})


def divider() -> str:
    return printed_line({"type": "divider"})


def actions(block_id: str, elements: Sequence[dict[str, Any]]) -> str:
    return printed_line({"type": "actions", "block_id": block_id, "elements": list(elements[:25])})


def section_with(text: str, accessory: dict[str, Any]) -> str:
    return printed_line({"type": "section", "text": _mrkdwn(text, 3000), "accessory": accessory})
