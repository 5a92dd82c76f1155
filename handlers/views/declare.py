"""The declare modal's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import NotDeclared, SupportbotError
from bot.incidents import Declaration
from bot.services import Services
from bot.slack import DECLARE_ANYWAY, SUGGEST, Field, Message
from bot.timeline import IncidentView
from handlers.replies import failing_as, listener
from handlers.views.inputs import value


def problem_field(error: SupportbotError | None) -> str:
    """A tier or category the plan lacks is shown on its select; every other problem on the
    title."""
    reason = error.params.get("reason") if error is not None else None
    if reason == "unknown_tier":
        return Field.TIER
    if reason == "unknown_category":
        return Field.CATEGORY
    return Field.TITLE


@listener(field=problem_field)
async def submit_declaration(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], services: Services
) -> Message | None:
    """Declare from the form; problems are shown on the form's fields (or, once the form has
    been answered, sent in a DM with what was typed)."""
    tier, category = value(view, Field.TIER), value(view, Field.CATEGORY)
    request = Declaration(
        text=value(view, Field.TITLE),
        description=value(view, Field.DESCRIPTION),
        reporter=body["user"]["id"],
        tier=int(tier) if tier.isdigit() else None,
        category=None if category in ("", SUGGEST) else category,
        source_key=f"view:{view['id']}" if view.get("id") else None,
    )
    asks = view.get("private_metadata") != DECLARE_ANYWAY
    with failing_as(lambda: NotDeclared(text=request.text, description=request.description)):
        declared = await services.incidents.declare(request, ask_if_alike=asks)
        if declared.alike and await _asked(ack, request, declared.incident, services):
            return None
        if declared.alike:
            declared = await services.incidents.declare(request)
    await ack()
    return services.render.message("declared.j2", i=declared.incident, duplicate=declared.duplicate)


async def _asked(
    ack: AsyncAck, request: Declaration, alike: IncidentView, services: Services
) -> bool:
    """When the report reads like an open incident, the form stays open with what was typed
    and asks, once, whether to add to it instead."""
    # Once the form has been answered "working on it" (a slow database), it can no longer ask.
    if ack.response is not None:
        return False
    again = services.render.view(
        "declare_modal.j2",
        title=request.text,
        description=request.description,
        tier=str(request.tier or ""),
        category=request.category or "",
        alike=alike,
    )
    await ack(response_action="update", view=again)
    return True
