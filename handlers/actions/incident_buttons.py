"""The buttons and tier select on an incident post."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.errors import BadInput
from bot.incidents import parse_id
from bot.services import Services
from handlers.replies import answer, attempt

Work = Callable[[int], Awaitable[object]]


def incident_id(body: dict[str, Any]) -> int:
    """The incident a button (its value) or a select (its option, "ID:CHOICE") is about."""
    action = body["actions"][0]
    chosen = (action.get("selected_option") or {}).get("value")
    value = str(action.get("value") or chosen or "").partition(":")[0]
    number = parse_id(value)
    if number is None:
        raise BadInput(reason="bad_id", given=value)
    return number


async def act(services: Services, body: dict[str, Any], work: Work) -> None:
    """Do the work for the clicked incident; only a refusal or a reply is shown."""

    async def on_incident() -> object:
        return await work(incident_id(body))

    await answer(services, body, await attempt(services, on_incident()))


async def acknowledge(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Acknowledge: the post updates in place."""
    await ack()
    user = body["user"]["id"]
    await act(services, body, lambda n: services.incidents.acknowledge(n, by=user))


async def escalate(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Raise the escalation level by one."""
    await ack()
    user = body["user"]["id"]
    await act(services, body, lambda n: services.incidents.escalate(n, by=user))


async def reopen(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Reopen a resolved incident."""
    await ack()
    user = body["user"]["id"]
    await act(services, body, lambda n: services.incidents.reopen(n, by=user))


async def change_tier(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """The tier select: move the incident to the picked tier."""
    await ack()
    user = body["user"]["id"]
    picked = str((body["actions"][0].get("selected_option") or {}).get("value", ""))
    picked = picked.partition(":")[2]

    async def work(number: int) -> object:
        if not picked.isdigit():
            raise BadInput(reason="unknown_tier", tier=picked[:10], tiers=list(services.plan.tiers))
        return await services.incidents.change_tier(number, int(picked), by=user)

    await act(services, body, work)


async def open_resolve_modal(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Resolve opens the write-up modal, for those allowed to resolve."""
    await ack()
    user = body["user"]["id"]

    async def work(number: int) -> object:
        incident = await services.incidents.check_may_resolve(number, by=user)
        return await services.gateway.open_view(
            body["trigger_id"], services.render.view("resolve_modal.j2", i=incident, summary="")
        )

    await act(services, body, work)


async def show_runbook(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """Post the runbook matching the incident's category in its thread."""
    await ack()
    user = body["user"]["id"]

    async def work(number: int) -> object:
        try:
            return await services.runbooks.post("", by=user, channel="", incident_id=number)
        except BadInput:
            detail = await services.incidents.get(number)
            return services.render.notice(
                "no_runbooks",
                ref=detail.incident.ref,
                category=detail.incident.category,
                names=[r.name for r in services.runbooks.library.runbooks],
            )

    await act(services, body, work)
