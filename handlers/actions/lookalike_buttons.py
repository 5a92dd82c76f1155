"""The answer to "looks like INC-2 — add to it instead?", from a slash command's reply or the
declare form that asked it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import NotDeclared
from bot.incidents import Declaration, carried
from bot.services import Services
from bot.slack import Field
from handlers.actions.incident_buttons import incident_id
from handlers.replies import failing_as, listener
from handlers.views.inputs import value


def _choice(body: dict[str, Any]) -> tuple[int, Declaration]:
    """The incident it looks like and the report: typed in the form the button sits on, or
    carried on the button of a slash command's reply."""
    reporter = body["user"]["id"]
    view = body.get("view")
    if view:
        report = Declaration(
            text=value(view, Field.TITLE),
            description=value(view, Field.DESCRIPTION),
            reporter=reporter,
        )
        return incident_id(body), report
    return carried(str(body["actions"][0].get("value") or ""), reporter)


@listener()
async def add_to_incident(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Put the report on the incident it looks like; nothing new is declared."""
    await ack()
    number, report = _choice(body)
    incident = await services.incidents.add_report(number, report)
    if body.get("view"):
        added = services.render.view("lookalike_added.j2", i=incident)
        await services.gateway.update_view(body["view"]["id"], added)
        return
    await services.gateway.respond(
        body.get("response_url"),
        services.render.message("incident_changed.j2", i=incident, change="update"),
        replace_original=True,
    )


@listener()
async def declare_anyway(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Declare the report as a new incident after all: one click, once however often clicked."""
    await ack()
    _, request = _choice(body)
    with failing_as(lambda: NotDeclared(text=request.text, description=request.description)):
        declared = await services.incidents.declare(request)
    await services.gateway.respond(
        body.get("response_url"),
        services.render.message("declared.j2", i=declared.incident, duplicate=declared.duplicate),
        replace_original=True,
    )
