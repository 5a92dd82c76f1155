"""The SLA watcher's engine: runs due escalation steps exactly once, and "can't take it"."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.errors import IncidentNotFound, InvalidTransition
from bot.paging.pager import Pager
from bot.paging.steps import StepRunner
from bot.slack import Outbox
from bot.store import LIVE_PAGES, EscalationStep, Incident, StepStatus
from bot.timeline import IncidentLog, IncidentView, incident_key, ref

log = logging.getLogger(__name__)

# Steps read per query; a pass keeps reading until nothing is due.
BATCH = 500
# Steps per transaction: short, so declarations and deliveries never wait long behind a pass
# (SQLite has one writer). A chunk is written together, so 30 steps (15 breaching incidents)
# hold the database for about 40 ms: less than 10 did when each step was written on its own.
CHUNK = 30


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
        self._steps = StepRunner(pager, IncidentLog(outbox, clock), clock)

    async def run_due(self, limit: int | None = None) -> Pass:
        """One watcher pass over every step that has fallen due (while down, too).

        limit caps the steps of this pass (None: all that are due when it starts)."""
        now = self._clock.now()
        due_total = done = failed = 0
        seen: set[int] = set()
        while limit is None or due_total < limit:
            batch = BATCH if limit is None else min(BATCH, limit - due_total)
            due = await self._due(now, batch, seen)
            if not due:
                break
            due_total += len(due)
            seen.update(step_id for step_id, _ in due)
            for start in range(0, len(due), CHUNK):
                chunk = due[start : start + CHUNK]
                ran, broke = await self._run_safely(chunk)
                done, failed = done + ran, failed + broke
        return Pass(due=due_total, done=done, failed=failed)

    async def _due(self, now: datetime, limit: int, seen: set[int]) -> list[tuple[int, int]]:
        # Steps left pending (their incident was busy in another process) are not retried in
        # this pass: the next one, a minute later, takes them.
        async with self._sessions() as session:
            query = (
                select(EscalationStep.id, EscalationStep.incident_id)
                .where(EscalationStep.status == StepStatus.PENDING, EscalationStep.due_at <= now)
                .order_by(EscalationStep.incident_id, EscalationStep.due_at, EscalationStep.id)
                .limit(limit + len(seen))
            )
            rows = (await session.execute(query)).all()
        return [(row[0], row[1]) for row in rows if row[0] not in seen][:limit]

    async def _run_safely(self, chunk: list[tuple[int, int]]) -> tuple[int, int]:
        """Run a chunk together; if it fails, one by one, so one bad step can't stall the rest."""
        try:
            return await self._run_chunk(chunk), 0
        except Exception:
            log.exception("escalation steps failed together; running them one by one")
        done = failed = 0
        for one in chunk:
            try:
                done += await self._run_chunk([one])
            except Exception as exc:
                log.exception("escalation step %s failed", one[0])
                await self._mark_failed(one[0], repr(exc))
                failed += 1
        return done, failed

    async def _run_chunk(self, steps: Sequence[tuple[int, int]]) -> int:
        """Run steps in one transaction, written together as it ends (bot/slack/outbox.py)."""
        ran = 0
        async with self._outbox.transaction(self._sessions, batch=True) as session:
            incidents, pending = await self._lock(session, steps)
            await self._outbox.read_waiting(session, (incident_key(i) for i in incidents))
            for step_id, incident_id in steps:
                step, incident = pending.get(step_id), incidents.get(incident_id)
                # A step an earlier one in the chunk did (a re-page brought forward) is done.
                if step is None or incident is None or step.status != StepStatus.PENDING:
                    continue
                result = await self._steps.run(session, step, incident)
                step.status, step.outcome, step.done_at = (
                    result.status,
                    result.outcome,
                    self._clock.now(),
                )
                # Re-pages of other incidents brought forward into this one's count as done here.
                ran += 1 + result.also_done
        return ran

    async def _lock(
        self, session: AsyncSession, steps: Sequence[tuple[int, int]]
    ) -> tuple[dict[int, Incident], dict[int, EscalationStep]]:
        """The chunk's incidents, then their steps still pending, locked in one query each.

        The incident is locked first, as every other change to it does; rows another process
        holds are left for the next pass instead of waited on."""
        incidents = await session.scalars(
            select(Incident)
            .where(Incident.id.in_({incident_id for _, incident_id in steps}))
            .with_for_update(skip_locked=True)
        )
        locked = {incident.id: incident for incident in incidents}
        pending = await session.scalars(
            select(EscalationStep)
            .where(
                EscalationStep.id.in_([step_id for step_id, _ in steps]),
                EscalationStep.incident_id.in_(list(locked)),
                EscalationStep.status == StepStatus.PENDING,
            )
            .with_for_update(skip_locked=True)
        )
        return locked, {step.id: step for step in pending}

    async def _mark_failed(self, step_id: int, error: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(EscalationStep)
                .where(EscalationStep.id == step_id)
                .values(status=StepStatus.FAILED, done_at=self._clock.now(), outcome=error[:2000])
            )

    async def decline(self, incident_id: int, *, by: str, reason: str) -> IncidentView:
        """A paged person can't take the incident: record why and page the next one at once."""
        async with self._outbox.transaction(self._sessions) as session:
            incident = await session.scalar(
                select(Incident).where(Incident.id == incident_id).with_for_update()
            )
            if incident is None:
                raise IncidentNotFound(ref=ref(incident_id))
            if not any(p.user == by and p.status in LIVE_PAGES for p in incident.pages):
                raise InvalidTransition(reason="not_paged", ref=ref(incident_id))
            await self._pager.decline(session, incident, by, reason.strip())
            return IncidentView.of(incident)
