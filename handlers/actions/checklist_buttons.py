"""The Done / Undo button beside each checklist item."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import BadInput
from bot.services import Services
from handlers.replies import listener


def _run_and_item(body: dict[str, Any]) -> tuple[int, int]:
    run, _, item = str(body["actions"][0].get("value", "")).partition(":")
    if not (run.isdigit() and item.isdigit()):
        raise BadInput(reason="unknown_checklist_item")
    return int(run), int(item)


@listener()
async def rerun_check(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Run an item's live check again; the message shows the new result."""
    await ack()
    run, item = _run_and_item(body)
    await services.checklists.recheck(run, item, by=body["user"]["id"])


@listener()
async def tick_item(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Toggle one item; the message is edited in place through the outbox."""
    await ack()
    run, item = _run_and_item(body)
    await services.checklists.toggle(run, item, by=body["user"]["id"])
