"""How checklist and runbook posts, and the edits ticks make, reach Slack."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.checklists.service import ChecklistService
from bot.checklists.views import RunView
from bot.config import Plan
from bot.incidents import IncidentService
from bot.slack import Handler, Kind, Message, NotYet, Renderer, SlackGateway, Writeback
from bot.store import ChecklistRun, RunKind, RunStatus


class ChecklistDelivery:
    """The outbox handlers for checklists."""

    def __init__(
        self,
        *,
        checklists: ChecklistService,
        gateway: SlackGateway,
        renderer: Renderer,
        plan: Plan,
        incidents: IncidentService,
    ) -> None:
        self._checklists = checklists
        self._incidents = incidents
        self._gateway = gateway
        self._render = renderer
        self._plan = plan

    def handlers(self) -> dict[str, Handler]:
        """Outbox kind → handler."""
        return {Kind.POST_CHECKLIST: self.post, Kind.UPDATE_CHECKLIST: self.update}

    async def _run(self, run_id: int) -> RunView:
        run = await self._checklists.get(run_id)
        if run is None:
            raise LookupError(f"checklist run {run_id} no longer exists")
        return run

    async def _message(self, run: RunView) -> Message:
        if run.kind == RunKind.RUNBOOK:
            return self._render.message("runbook.j2", run=run)
        config = self._plan.checklist(run.checklist)
        left: list[tuple[str, str]] = []
        if config is not None and config.report_unticked:
            # Today's daily lists only: a weekly or monthly list posted today, or a runbook
            # run, is not what the end of the day looks back on.
            for other in await self._checklists.today():
                listed = self._plan.checklist(other.checklist)
                if listed is None or not listed.daily or other.checklist == run.checklist:
                    continue
                if other.status != RunStatus.MISSED:
                    left += [(other.title, i.text) for i in other.items if not i.ticked_by]
        return self._render.message("checklist.j2", run=run, left=left)

    async def post(self, payload: dict[str, Any]) -> Writeback | None:
        """Post the checklist; its ts is kept for the edits ticks make."""
        run = await self._run(payload["run"])
        if run.ts:
            return None
        thread_ts = run.thread_ts
        if run.incident_id is not None and not thread_ts:
            # Asked for before the incident post's ts was known: wait for it while the post is
            # on its way (people click its buttons before the bot hears Slack's answer), then
            # look again. In that order: once the post is no longer on its way, its ts is
            # written (the other order could read no ts, then find the post just recorded).
            if await self._incidents.post_on_its_way(run.incident_id):
                raise NotYet(f"INC-{run.incident_id}'s post, to reply under")
            thread_ts = (await self._incidents.get(run.incident_id)).incident.post_ts
        response = await self._gateway.post(
            run.channel, await self._message(run), thread_ts=thread_ts or None
        )

        async def keep_ts(session: AsyncSession) -> None:
            stored = await session.get(ChecklistRun, run.id)
            if stored is not None:
                stored.ts = str(response["ts"])
                stored.channel = str(response.get("channel") or run.channel)

        return keep_ts

    async def update(self, payload: dict[str, Any]) -> Writeback | None:
        """Re-render the checklist as it is now."""
        run = await self._run(payload["run"])
        if not run.ts:
            raise LookupError(f"checklist run {run.id} was never posted")
        await self._gateway.update(run.channel, run.ts, await self._message(run))
        return None


async def link_to(gateway: SlackGateway, run: RunView) -> str | None:
    """A link to the run's post; None until it is delivered."""
    if not run.ts:
        return None
    found = await gateway.call("chat.getPermalink", channel=run.channel, message_ts=run.ts)
    return str(found["permalink"])
