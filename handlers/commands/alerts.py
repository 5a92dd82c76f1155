"""/alerts: what is firing; silence or maintenance for a monitor."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.monitoring import parse_alerts
from bot.services import Services
from handlers.replies import listener


@listener()
async def alerts_command(ack: AsyncAck, command: dict[str, Any], services: Services) -> None:
    """Help answers in the ack; the rest acks first and replies on response_url."""
    parsed = parse_alerts(command.get("text") or "")
    render = services.render
    if parsed.name == "help":
        await ack(**render.message("alerts_help.j2", c=parsed).as_kwargs())
        return
    await ack()
    if parsed.kind is not None:
        mute = await services.alerts.mute(
            parsed.kind, parsed.monitor, parsed.duration, by=command["user_id"]
        )
        reply = render.notice("alerts_muted", m=mute)
    else:
        reply = render.message("alerts_list.j2", f=await services.alerts.firing())
    await services.gateway.respond(command.get("response_url"), reply)
