"""Block Kit element constructors the templates call; every text is clipped to its limit."""

from __future__ import annotations

from typing import Any

from bot.slack.text import clip


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def button(text: str, action_id: str, value: Any, style: str | None = None) -> dict[str, Any]:
    """A button; style is primary, danger or None."""
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, 75),
        "action_id": action_id,
        "value": str(value),
    }
    if style:
        element["style"] = style
    return element


def option(text: str, value: Any) -> dict[str, Any]:
    """An option of a select, overflow or radio group."""
    return {"text": plain(text, 75), "value": str(value)[:150]}


def static_select(
    action_id: str, placeholder: str, options: list[dict[str, Any]], initial: Any = None
) -> dict[str, Any]:
    """A static select; initial is the value of the pre-selected option."""
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder, 150),
        "options": options[:100],
    }
    chosen = [o for o in options if o["value"] == str(initial)]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def text_input(
    action_id: str,
    *,
    multiline: bool = False,
    initial: str | None = None,
    max_length: int = 3000,
    placeholder: str | None = None,
) -> dict[str, Any]:
    """A plain_text_input."""
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element
