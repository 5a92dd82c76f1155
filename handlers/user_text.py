"""The one door typed text comes in by: cleaned before any listener (or the domain) reads it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.slack import clean_text


async def clean_user_text(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:  # noqa: A002
    """Strip control and bidi characters from a command's text and a submitted form's inputs.

    Bolt hands listeners parts of this same body, so cleaning it here cleans what they get."""
    if body.get("command") and isinstance(body.get("text"), str):
        # Slack lets a slash command span lines; the title is cut from the first one.
        body["text"] = clean_text(body["text"], multiline=True)
    view = body.get("view")
    if body.get("type") == "view_submission" and isinstance(view, dict):
        _clean_view_inputs(view)
    await next()


def _clean_view_inputs(view: dict[str, Any]) -> None:
    multiline = {
        block.get("block_id")
        for block in view.get("blocks") or []
        if isinstance(block, dict) and (block.get("element") or {}).get("multiline")
    }
    for block_id, elements in ((view.get("state") or {}).get("values") or {}).items():
        for element in (elements or {}).values():
            if isinstance(element, dict) and isinstance(element.get("value"), str):
                element["value"] = clean_text(element["value"], multiline=block_id in multiline)
