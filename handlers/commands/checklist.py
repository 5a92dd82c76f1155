"""/checklist: today's progress; /checklist post NAME posts one now (admins)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.services import Services
from handlers.replies import listener


@listener()
async def checklist_command(ack: AsyncAck, command: dict[str, Any], services: Services) -> None:
    """Ack first; reply with progress, or post the named checklist."""
    await ack()
    words = (command.get("text") or "").split()
    if words[:1] == ["post"] and len(words) == 2:
        run = await services.checklists.post_now(words[1], by=command["user_id"])
        reply = services.render.notice("checklist_posted", run=run)
    else:
        reply = services.render.message(
            "checklist_progress.j2", runs=await services.checklists.today()
        )
    await services.gateway.respond(command.get("response_url"), reply)
