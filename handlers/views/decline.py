"""The "can't take it" modal's submission: record why, page the next person at once."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.incidents import parse_id
from bot.services import Services
from bot.slack import Field, Message
from handlers.replies import listener
from handlers.views.inputs import value


@listener(field=Field.REASON)
async def submit_decline(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], services: Services
) -> Message:
    """Pass the page on; a refusal (no open page) is shown on the form."""
    number = parse_id(str(view.get("private_metadata") or "")) or 0
    incident = await services.escalation.decline(
        number, by=body["user"]["id"], reason=value(view, Field.REASON)
    )
    await ack()
    return services.render.message("incident_changed.j2", i=incident, change="passed_on")
