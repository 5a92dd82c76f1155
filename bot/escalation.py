"""The SLA watcher's engine: runs due escalation steps exactly once, and "can't take it"."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.errors import IncidentNotFound, InvalidTransition
from bot.incident_views import IncidentView, ref
from bot.models import EscalationStep, Incident
from bot.outbox import Outbox
from bot.paging import LIVE, Pager

log = logging.getLogger(__name__)

PASS_LIMIT = 5000
CHUNK = 50
NOT_APPLIED = ("no longer needed", "acknowledged in time", "resolved in time")


@dataclass(frozen=True)
class Pass:
    """What one watcher pass did."""

    due: int
    done: int
    failed: int


class EscalationService:
    """Runs due steps in small transactions: a step is marked done with what it did."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox,
        clock: Clock,
        pager: Pager,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._clock = clock
        self._pager = pager

    async def run_due(self, limit: int = PASS_LIMIT) -> Pass:
        """One watcher pass over every step that has fallen due (while down, too)."""
        now = self._clock.now()
        async with self._sessions() as session:
            due = (
                await session.execute(
                    select(EscalationStep.id, EscalationStep.incident_id)
                    .where(EscalationStep.status == "pending", EscalationStep.due_at <= now)
                    .order_by(EscalationStep.incident_id, EscalationStep.due_at, EscalationStep.id)
                    .limit(limit)
                )
            ).all()
        done = failed = 0
        for start in range(0, len(due), CHUNK):
            chunk = [(row[0], row[1]) for row in due[start : start + CHUNK]]
            try:
                done += await self._run_chunk(chunk)
            except Exception:
                log.exception("escalation steps failed together; running them one by one")
                for one in chunk:
                    try:
                        done += await self._run_chunk([one])
                    except Exception as exc:
                        log.exception("escalation step %s failed", one[0])
                        await self._mark_failed(one[0], repr(exc))
                        failed += 1
        return Pass(due=len(due), done=done, failed=failed)

    async def _run_chunk(self, steps: Sequence[tuple[int, int]]) -> int:
        ran = 0
        async with self._outbox.transaction(self._sessions) as session:
            for step_id, incident_id in steps:
                ran += await self._run_one(session, step_id, incident_id)
        return ran

    async def _run_one(self, session: AsyncSession, step_id: int, incident_id: int) -> int:
        # Lock the incident first, as every other change to it does; a row another process
        # holds is left for the next pass instead of waited on.
        incident = await session.scalar(
            select(Incident).where(Incident.id == incident_id).with_for_update(skip_locked=True)
        )
        if incident is None:
            return 0
        step = await session.scalar(
            select(EscalationStep)
            .where(EscalationStep.id == step_id, EscalationStep.status == "pending")
            .with_for_update(skip_locked=True)
        )
        if step is None:
            return 0
        outcome = await self._pager.run_step(session, step, incident)
        step.status = "skipped" if outcome in NOT_APPLIED else "done"
        step.done_at, step.outcome = self._clock.now(), outcome
        return 1

    async def _mark_failed(self, step_id: int, error: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(EscalationStep)
                .where(EscalationStep.id == step_id)
                .values(status="failed", done_at=self._clock.now(), outcome=error[:2000])
            )

    async def decline(self, incident_id: int, *, by: str, reason: str) -> IncidentView:
        """A paged person can't take the incident: record why and page the next one at once."""
        async with self._outbox.transaction(self._sessions) as session:
            incident = await session.scalar(
                select(Incident).where(Incident.id == incident_id).with_for_update()
            )
            if incident is None:
                raise IncidentNotFound(ref=ref(incident_id))
            if not any(p.user == by and p.status in LIVE for p in incident.pages):
                raise InvalidTransition(reason="not_paged", ref=ref(incident_id))
            await self._pager.decline(session, incident, by, reason.strip())
            return IncidentView.of(incident)
