"""Read values out of a submitted view's state."""

from __future__ import annotations

from typing import Any


def value(view: dict[str, Any], block_id: str) -> str:
    """A text input's value or a select's chosen value; empty when not given."""
    element = view.get("state", {}).get("values", {}).get(block_id, {}).get(block_id, {})
    if element.get("selected_option"):
        return str(element["selected_option"].get("value") or "")
    return str(element.get("value") or "")
