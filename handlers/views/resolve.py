"""The resolve modal's submission: summary, root cause, lessons learned."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.incidents import parse_id
from bot.services import Services
from bot.slack import Field, Message
from handlers.replies import listener
from handlers.views.inputs import value


@listener(field=Field.SUMMARY)
async def submit_resolution(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], services: Services
) -> Message | None:
    """Resolve; a refusal or a missing summary is shown on the form."""
    summary = value(view, Field.SUMMARY).strip()
    if not summary:
        await ack(
            response_action="errors",
            errors={Field.SUMMARY: services.render.notice("resolve_needs_summary").text},
        )
        return None
    incident = await services.incidents.resolve(
        parse_id(str(view.get("private_metadata") or "")) or 0,
        by=body["user"]["id"],
        summary=summary,
        root_cause=value(view, Field.ROOT_CAUSE),
        lessons=value(view, Field.LESSONS),
    )
    await ack()
    return services.render.message("incident_changed.j2", i=incident, change="resolved")
