"""/checklist: today's progress; /checklist post NAME posts one now (admins), once a slot
unless `again` is added."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.checklists import link_to
from bot.services import Services
from bot.store import RunKind
from handlers.replies import listener


@listener()
async def checklist_command(ack: AsyncAck, command: dict[str, Any], services: Services) -> None:
    """Ack first; reply with progress, or post the named checklist (or point at its post)."""
    await ack()
    words = (command.get("text") or "").split()
    if words[:1] == ["post"] and (len(words) == 2 or words[2:] == ["again"]):
        posting = await services.checklists.post_now(
            words[1], by=command["user_id"], again=len(words) == 3
        )
        reply = (
            services.render.notice(
                "checklist_already_posted",
                run=posting.run,
                link=await link_to(services.gateway, posting.run),
            )
            if posting.already_posted
            else services.render.notice("checklist_posted", run=posting.run)
        )
    else:
        reply = services.render.message(
            "checklist_progress.j2",
            runs=await services.checklists.today(),
            runbooks=await services.checklists.today(RunKind.RUNBOOK),
        )
    await services.gateway.respond(command.get("response_url"), reply)
