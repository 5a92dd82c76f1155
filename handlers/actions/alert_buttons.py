"""The Acknowledge button on an alert post."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.services import Services
from handlers.replies import listener


@listener()
async def acknowledge_alert(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """The post is edited to say who has it; a refusal goes to the clicker only."""
    await ack()
    await services.alerts.acknowledge(int(body["actions"][0]["value"]), by=body["user"]["id"])
