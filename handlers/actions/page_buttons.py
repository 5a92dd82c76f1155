"""The buttons on a page DM: Acknowledge, and "Can't take it" (asks why in a modal)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.services import Services
from handlers.actions.incident_buttons import act


async def acknowledge(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Acknowledge from the DM: the post and every DM copy are updated by the service."""
    await ack()
    user = body["user"]["id"]
    await act(services, body, lambda n: services.incidents.acknowledge(n, by=user))


async def decline(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Open the "why not?" modal; submitting it passes the page on."""
    await ack()

    async def work(number: int) -> object:
        detail = await services.incidents.get(number)
        return await services.gateway.open_view(
            body["trigger_id"], services.render.view("decline_modal.j2", i=detail.incident)
        )

    await act(services, body, work)
