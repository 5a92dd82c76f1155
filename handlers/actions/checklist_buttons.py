"""The Done / Undo button beside each checklist item."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import BadInput
from bot.services import Services
from handlers.replies import answer, attempt


async def tick_item(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Toggle one item; the message is edited in place through the outbox."""
    await ack()
    run, _, item = str(body["actions"][0].get("value", "")).partition(":")

    async def work() -> object:
        if not (run.isdigit() and item.isdigit()):
            raise BadInput(reason="unknown_checklist_item")
        return await services.checklists.toggle(int(run), int(item), by=body["user"]["id"])

    await answer(services, body, await attempt(services, work()))
