"""/report daily|weekly|monthly|quarterly [last] [--post]: the figures privately, or posted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.reports import parse
from bot.services import Services
from handlers.replies import listener


@listener()
async def report_command(ack: AsyncAck, command: dict[str, Any], services: Services) -> None:
    """Usage mistakes answer in the ack; a report is built after it and sent on response_url."""
    request = parse(command.get("text") or "")
    await ack()
    response_url = command.get("response_url")
    if request.post:
        posted = await services.reports.post_now(request, by=command["user_id"])
        await services.gateway.respond(
            response_url, services.render.notice("report_posted", report=posted)
        )
        return
    for message in await services.reports.show(request):
        await services.gateway.respond(response_url, message)
