"""Posting runbooks (with their live checks run first) and searching them and lessons learned."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.checklists import RUNBOOK_PREFIX, ItemView, RunView
from bot.checks import LiveChecks
from bot.clock import Clock
from bot.errors import BadInput
from bot.incidents import IncidentService
from bot.runbooks.library import Runbook, RunbookLibrary, RunbookProblem
from bot.slack import Kind, Outbox
from bot.store import ChecklistRun, Incident, Resolution, RunKind, RunStatus
from bot.timeline import ref

SEARCH_LIMIT = 10


@dataclass(frozen=True)
class Lesson:
    """What one resolution of an incident taught."""

    ref: str
    title: str
    lessons: str | None
    root_cause: str | None

    @classmethod
    def of(cls, resolution: Resolution, title: str) -> Lesson:
        return cls(ref(resolution.incident_id), title, resolution.lessons, resolution.root_cause)


class RunbookService:
    """Verbs on runbooks."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox,
        clock: Clock,
        library: RunbookLibrary,
        problems: list[RunbookProblem],
        incidents: IncidentService,
        checks: LiveChecks,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._clock = clock
        self.library = library
        self.problems = problems
        self._incidents = incidents
        self._checks = checks

    async def post(
        self, name_or_words: str, *, by: str, channel: str, incident_id: int | None = None
    ) -> RunView:
        """Post a runbook's steps with a tick each; for an incident, in its thread."""
        thread_ts = None
        if incident_id is not None:
            incident = (await self._incidents.get(incident_id)).incident
            channel, thread_ts = incident.post_channel, incident.post_ts
            name_or_words = name_or_words or incident.category
        runbook = self.library.find(name_or_words) if name_or_words else None
        if runbook is None and incident_id is not None:
            runbook = self.library.for_category(name_or_words)
        if runbook is None:
            raise BadInput(
                reason="unknown_runbook",
                given=name_or_words,
                names=[r.name for r in self.library.runbooks],
            )
        results = await self._check(runbook, by)
        run = ChecklistRun(
            kind=RunKind.RUNBOOK,
            checklist=f"{RUNBOOK_PREFIX}{runbook.name}",
            title=runbook.title,
            items={"items": [step.text for step in runbook.steps]},
            slot_key=f"runbook:{runbook.name}:{uuid.uuid4().hex}",
            slot_at=self._clock.now(),
            status=RunStatus.POSTED,
            channel=channel,
            thread_ts=thread_ts,
            incident_id=incident_id,
            results=results,
            note=runbook.escalation or None,
            created_at=self._clock.now(),
        )
        async with self._outbox.transaction(self._sessions) as session:
            session.add(run)
            await session.flush()
            await self._outbox.add(
                session, Kind.POST_CHECKLIST, f"checklist:{run.id}", {"run": run.id}
            )
        if incident_id is not None:
            await self._incidents.note(incident_id, "runbook", runbook.title, by=by)
        return RunView(
            run.id,
            run.checklist,
            run.title,
            run.status,
            run.slot_at,
            channel,
            None,
            tuple(ItemView(i, s.text, None, None) for i, s in enumerate(runbook.steps)),
            kind=RunKind.RUNBOOK,
            incident_id=incident_id,
            results=results,
        )

    async def _check(self, runbook: Runbook, by: str) -> dict[str, dict[str, Any]]:
        checked = [(i, step.check) for i, step in enumerate(runbook.steps) if step.check]
        return await self._checks.run(checked, by=by)

    async def search(self, words: str) -> tuple[list[Runbook], list[Lesson]]:
        """Runbooks, and lessons learned from any resolution (a reopened incident's earlier
        ones too), that mention the words."""
        terms = [w for w in words.lower().split() if len(w) > 2][:8]
        if not terms:
            return [], []
        fields = (Resolution.lessons, Resolution.root_cause, Resolution.summary, Incident.title)
        async with self._sessions() as session:
            rows = await session.execute(
                select(Resolution, Incident.title)
                .join(Incident, Incident.id == Resolution.incident_id)
                .where(Resolution.lessons.is_not(None))
                .where(or_(*(f.ilike(f"%{t}%") for t in terms for f in fields)))
                .order_by(Resolution.id.desc())
                .limit(SEARCH_LIMIT)
            )
            found = [Lesson.of(resolution, title) for resolution, title in rows]
        # A write-up resolved again unchanged is one lesson, not two (newest first).
        lessons = list(dict.fromkeys(found))
        return self.library.search(words), lessons
