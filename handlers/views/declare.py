"""The declare modal's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import SupportbotError
from bot.incidents import Declaration
from bot.services import Services
from bot.slack import SUGGEST, Field
from handlers.replies import listener
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
) -> None:
    """Declare from the form; problems are shown on the form's fields."""
    tier, category = value(view, Field.TIER), value(view, Field.CATEGORY)
    request = Declaration(
        text=value(view, Field.TITLE),
        description=value(view, Field.DESCRIPTION),
        reporter=body["user"]["id"],
        tier=int(tier) if tier.isdigit() else None,
        category=None if category in ("", SUGGEST) else category,
        source_key=f"view:{view['id']}" if view.get("id") else None,
    )
    await services.incidents.declare(request)
    await ack()
