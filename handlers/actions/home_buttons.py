"""The App Home's buttons: declare an incident, see who is on call (a button cannot run a
slash command, so it opens what the command would show)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.services import Services
from handlers.replies import listener


@listener()
async def open_declare_modal(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """The declare form, as `/incident` with no text opens it."""
    await ack()
    await services.gateway.open_view(
        body["trigger_id"], services.render.view("declare_modal.j2", title="")
    )


@listener()
async def show_oncall(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Who is on call now, as `/oncall` answers, in a modal."""
    await ack()
    await services.gateway.open_view(
        body["trigger_id"],
        services.render.view("oncall_modal.j2", r=await services.oncall.roster()),
    )
