"""/incident: declare, list, show, ack, escalate, tier, update, resolve, reopen, help."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import NotDeclared
from bot.incidents import Command, Declaration, carry, parse, split_report
from bot.services import Services
from bot.slack import Message
from bot.timeline import IncidentView
from handlers.replies import failing_as, listener


@listener()
async def incident_command(ack: AsyncAck, command: dict[str, Any], services: Services) -> None:
    """Help answers in the ack; everything else acks first and replies on response_url."""
    parsed = parse(command.get("text") or "")
    if parsed.name == "help":
        await ack(
            **services.render.message(
                "help.j2", problem=parsed.problem, given=parsed.given
            ).as_kwargs()
        )
        return
    await ack()
    reply = await _run(parsed, command, services)
    if reply is not None:
        await services.gateway.respond(command.get("response_url"), reply)


async def _run(parsed: Command, command: dict[str, Any], services: Services) -> Message | None:
    user, render, incidents = command["user_id"], services.render, services.incidents
    number = parsed.incident_id or 0
    match parsed.name:
        case "form":
            await services.gateway.open_view(
                command["trigger_id"], render.view("declare_modal.j2", title="")
            )
            return None
        case "declare":
            trigger = command.get("trigger_id")
            request = Declaration(
                text=parsed.text,
                reporter=user,
                source_key=f"command:{trigger}" if trigger else None,
            )
            # Acked already: if it is not stored, the reporter must hear so, with their text.
            with failing_as(lambda: NotDeclared(text=request.text)):
                declared = await incidents.declare(request, ask_if_alike=True)
                if declared.alike and (value := carry(request, declared.incident.id)):
                    return _look_alike(services, request, declared.incident, value)
                if declared.alike:
                    # Too long to ride on the buttons that would ask: declared without asking.
                    declared = await incidents.declare(request)
            return render.message(
                "declared.j2",
                i=declared.incident,
                duplicate=declared.duplicate,
                meant=parsed.meant,
            )
        case "list":
            return render.message(
                "incident_list.j2",
                incidents=await incidents.list_open(),
                total=await incidents.count_open(),
            )
        case "show":
            return render.message("incident_detail.j2", d=await incidents.get(number))
        case "resolve":
            incident = await incidents.check_may_resolve(number, by=user)
            await services.gateway.open_view(
                command["trigger_id"],
                render.view("resolve_modal.j2", i=incident, summary=parsed.text),
            )
            return None
        case "ack":
            return _changed(services, await incidents.acknowledge(number, by=user), "acknowledged")
        case "escalate":
            view = await incidents.escalate(number, by=user, reason=parsed.text)
            return _changed(services, view, "escalated")
        case "tier":
            view = await incidents.change_tier(number, parsed.tier or 0, by=user)
            return _changed(services, view, "tier_changed")
        case "update":
            view = await incidents.add_update(number, parsed.text, by=user)
            return _changed(services, view, "update")
        case "reopen":
            return _changed(services, await incidents.reopen(number, by=user), "reopened")
    raise AssertionError(f"unhandled /incident subcommand {parsed.name}")


def _look_alike(
    services: Services, request: Declaration, alike: IncidentView, value: str
) -> Message:
    """ "Looks like INC-2 — add to it instead?", the report riding on the buttons that answer."""
    title, _ = split_report(request.text)
    return services.render.message("lookalike.j2", i=alike, title=title, value=value)


def _changed(services: Services, incident: IncidentView, change: str) -> Message:
    return services.render.message("incident_changed.j2", i=incident, change=change)
