"""The declare modal's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import NotDeclared, SupportbotError
from bot.incidents import Declaration
from bot.services import Services
from bot.slack import SUGGEST, Field, Message
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
) -> Message:
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
    with failing_as(lambda: NotDeclared(text=request.text, description=request.description)):
        declared = await services.incidents.declare(request)
    await ack()
    return services.render.message("declared.j2", i=declared.incident, duplicate=declared.duplicate)
