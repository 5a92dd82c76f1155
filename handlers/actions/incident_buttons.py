"""The buttons and tier select on an incident post."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import BadInput
from bot.incidents import parse_id
from bot.services import Services
from handlers.events import app_home
from handlers.replies import listener


def incident_id(body: dict[str, Any]) -> int:
    """The incident a button (its value) or a select (its option, "ID:CHOICE") is about."""
    action = body["actions"][0]
    chosen = (action.get("selected_option") or {}).get("value")
    value = str(action.get("value") or chosen or "").partition(":")[0]
    number = parse_id(value)
    if number is None:
        raise BadInput(reason="bad_id", given=value)
    return number


@listener()
async def acknowledge(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Acknowledge: the post updates in place, and so does the App Home it was clicked on."""
    await ack()
    user = body["user"]["id"]
    try:
        await services.incidents.acknowledge(incident_id(body), by=user)
    finally:
        # Refused too (someone was quicker): the home no longer offers what is gone.
        if app_home.opened_from_home(body):
            await app_home.publish_for(services, user)


@listener()
async def escalate(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Raise the escalation level by one."""
    await ack()
    await services.incidents.escalate(incident_id(body), by=body["user"]["id"])


@listener()
async def reopen(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Reopen a resolved incident."""
    await ack()
    await services.incidents.reopen(incident_id(body), by=body["user"]["id"])


@listener()
async def change_tier(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """The tier select: move the incident to the picked tier."""
    await ack()
    number = incident_id(body)
    picked = str((body["actions"][0].get("selected_option") or {}).get("value", ""))
    picked = picked.partition(":")[2]
    if not picked.isdigit():
        raise BadInput(reason="unknown_tier", tier=picked[:10], tiers=list(services.plan.tiers))
    await services.incidents.change_tier(number, int(picked), by=body["user"]["id"])


@listener()
async def confirm_tier(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """The reporter's answer to a close call: this tier is right, or another one is."""
    await ack()
    number = incident_id(body)
    picked = str(body["actions"][0].get("value", "")).partition(":")[2]
    if not picked.isdigit():
        raise BadInput(reason="unknown_tier", tier=picked[:10], tiers=list(services.plan.tiers))
    view = await services.incidents.confirm_tier(number, int(picked), by=body["user"]["id"])
    await services.gateway.respond(
        body.get("response_url"),
        services.render.message("tier_confirmed.j2", i=view, tier=int(picked)),
        replace_original=True,
    )


@listener()
async def open_resolve_modal(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Resolve opens the write-up modal, for those allowed to resolve."""
    await ack()
    incident = await services.incidents.check_may_resolve(incident_id(body), by=body["user"]["id"])
    await services.gateway.open_view(
        body["trigger_id"], services.render.view("resolve_modal.j2", i=incident, summary="")
    )


@listener()
async def show_runbook(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Post the runbook matching the incident's category in its thread."""
    await ack()
    number = incident_id(body)
    try:
        await services.runbooks.post("", by=body["user"]["id"], channel="", incident_id=number)
    except BadInput:
        # No runbook for its category: say which there are, rather than refuse.
        detail = await services.incidents.get(number)
        await services.gateway.respond(
            body.get("response_url"),
            services.render.notice(
                "no_runbooks",
                ref=detail.incident.ref,
                category=detail.incident.category,
                names=[r.name for r in services.runbooks.library.runbooks],
            ),
        )
