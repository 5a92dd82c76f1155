"""The reporter's 1–5 rating buttons in the post-resolution DM."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import BadInput
from bot.services import Services
from handlers.replies import listener


@listener()
async def rate_incident(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Store the rating and turn the question into a thank-you."""
    await ack()
    number, _, stars = str(body["actions"][0].get("value", "")).partition(":")
    if not (number.isdigit() and stars.isdigit()):
        raise BadInput(reason="bad_rating")
    rated = await services.incidents.rate(int(number), int(stars), by=body["user"]["id"])
    container = body.get("container", {})
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if channel and ts:
        thanks = services.render.message("rating_thanks.j2", i=rated)
        await services.gateway.update(channel, ts, thanks)
