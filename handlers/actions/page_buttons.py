"""The "Can't take it" button on a page DM (its Acknowledge is the incident post's)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.services import Services
from handlers.actions.incident_buttons import incident_id
from handlers.replies import listener


@listener()
async def decline(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Open the "why not?" modal; submitting it passes the page on."""
    await ack()
    detail = await services.incidents.get(incident_id(body))
    await services.gateway.open_view(
        body["trigger_id"], services.render.view("decline_modal.j2", i=detail.incident)
    )
