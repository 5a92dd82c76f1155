"""/oncall: who is on call now, the next 14 days, and covers."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.oncall import parse
from bot.services import Services
from bot.slack import Message
from handlers.replies import listener


@listener()
async def oncall_command(ack: AsyncAck, command: dict[str, Any], services: Services) -> None:
    """Help answers in the ack; the rest acks first and replies on response_url."""
    parsed = parse(command.get("text") or "")
    render = services.render
    if parsed.name == "help":
        await ack(
            **render.message(
                "oncall_help.j2", problem=parsed.problem, given=parsed.given
            ).as_kwargs()
        )
        return
    await ack()
    reply: Message
    if parsed.name == "schedule":
        reply = render.message("oncall_schedule.j2", days=await services.oncall.schedule())
    elif parsed.name == "cover":
        cover = await services.oncall.cover(
            by=command["user_id"], user=parsed.user, level=parsed.level, until=parsed.until
        )
        reply = render.message("oncall_cover.j2", c=cover)
    else:
        reply = render.message("oncall.j2", r=await services.oncall.roster())
    await services.gateway.respond(command.get("response_url"), reply)
