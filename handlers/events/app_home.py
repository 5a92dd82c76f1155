"""The App Home tab: the person's own pages (with Acknowledge) and incidents, then the team's
open incidents with their deadlines, who is on call, today's checklists (runbook runs apart)
and the last 7 days."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.store import RunKind
from handlers.replies import listener


@listener()
async def publish_home(event: dict[str, Any], services: Services) -> None:
    """Render the home for whoever opened it."""
    if event.get("tab", "home") != "home":
        return
    await publish_for(services, event["user"])


def opened_from_home(body: dict[str, Any]) -> bool:
    """Whether a click came from the App Home (its view goes stale once the click has acted)."""
    return (body.get("view") or {}).get("type") == "home"


async def publish_for(services: Services, user: str) -> None:
    """Publish one person's home as it is now."""
    view = services.render.view(
        "home.j2",
        user=user,
        yours=await services.incidents.yours(user),
        incidents=await services.incidents.list_open(),
        open_total=await services.incidents.count_open(),
        oncall=await services.oncall.roster(),
        checklists=await services.checklists.today(),
        runbooks=await services.checklists.today(RunKind.RUNBOOK),
        firing=(await services.alerts.firing()).alerts,
        glance=await services.reports.glance(),
        chart=await services.reports.latest_chart("incidents_per_day"),
        now=services.clock.now(),
    )
    await services.gateway.call("views.publish", user_id=user, view=view)
