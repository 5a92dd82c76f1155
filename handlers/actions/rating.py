"""The reporter's 1–5 rating buttons in the post-resolution DM."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import BadInput
from bot.services import Services
from bot.timeline import IncidentView
from handlers.replies import answer, attempt


async def rate_incident(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Store the rating and turn the question into a thank-you."""
    await ack()
    value = str(body["actions"][0].get("value", ""))
    number, _, stars = value.partition(":")

    async def work() -> IncidentView:
        if not (number.isdigit() and stars.isdigit()):
            raise BadInput(reason="bad_rating")
        return await services.incidents.rate(int(number), int(stars), by=body["user"]["id"])

    rated = await attempt(services, work())
    container = body.get("container", {})
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if isinstance(rated, IncidentView) and channel and ts:
        thanks = services.render.message("rating_thanks.j2", i=rated)
        await answer(
            services, body, await attempt(services, services.gateway.update(channel, ts, thanks))
        )
        return
    await answer(services, body, rated)
