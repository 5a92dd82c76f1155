"""/runbook: list, post one (optionally for an incident), search runbooks and lessons."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.incidents import parse_id
from bot.services import Services
from handlers.replies import listener


@listener()
async def runbook_command(ack: AsyncAck, command: dict[str, Any], services: Services) -> None:
    """Ack first: live checks may take a few seconds before the steps are posted."""
    await ack()
    text = (command.get("text") or "").strip()
    words = text.split()
    runbooks, render = services.runbooks, services.render
    if not words:
        reply = render.message(
            "runbook_list.j2", runbooks=runbooks.library.runbooks, problems=runbooks.problems
        )
    elif words[0].lower() == "search":
        query = " ".join(words[1:])
        found, lessons = await runbooks.search(query)
        reply = render.message("runbook_search.j2", query=query, runbooks=found, lessons=lessons)
    else:
        incident = parse_id(words[-1]) if len(words) > 1 and "-" in words[-1] else None
        name = " ".join(words[:-1] if incident is not None else words)
        # The steps are posted in the channel (or the incident's thread): nothing to reply.
        await runbooks.post(
            name, by=command["user_id"], channel=command["channel_id"], incident_id=incident
        )
        return
    await services.gateway.respond(command.get("response_url"), reply)
