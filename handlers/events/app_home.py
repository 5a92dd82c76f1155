"""The App Home tab: open incidents with their deadlines, who is on call, today's checklists
(runbook runs apart), and the last 7 days at a glance."""

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
    view = services.render.view(
        "home.j2",
        incidents=await services.incidents.list_open(),
        open_total=await services.incidents.count_open(),
        oncall=await services.oncall.roster(),
        checklists=await services.checklists.today(),
        runbooks=await services.checklists.today(RunKind.RUNBOOK),
        glance=await services.reports.glance(),
        chart=await services.reports.latest_chart("incidents_per_day"),
        now=services.clock.now(),
    )
    await services.gateway.call("views.publish", user_id=event["user"], view=view)
