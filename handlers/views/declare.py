"""The declare modal's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import SupportbotError
from bot.incidents import Declaration
from bot.services import Services
from bot.slack import SUGGEST, Field
from handlers.views.inputs import value


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
    try:
        await services.incidents.declare(request)
    except SupportbotError as error:
        field = Field.TIER if error.params.get("reason") == "unknown_tier" else Field.TITLE
        await ack(response_action="errors", errors={field: services.render.error(error).text})
        return
    await ack()
