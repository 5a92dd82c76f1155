"""Doing one due escalation step, if it still applies, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import format_duration
from bot.paging.digest import due_soon_for, link
from bot.paging.pager import Pager
from bot.store import (
    EscalationStep,
    Incident,
    IncidentStatus,
    PageKind,
    PageStatus,
    StepKind,
    StepStatus,
)
from bot.timeline import BOT_ACTOR, IncidentLog, ref

# Steps that page someone by DM (the deadline steps record a breach whatever the tier).
PAGING_STEPS = frozenset(
    {StepKind.PAGE, StepKind.REPAGE, StepKind.HANDOVER, StepKind.LEVEL1_RULE, StepKind.NOTIFY_HALF}
)


@dataclass(frozen=True)
class StepResult:
    """A step's new status (done, or skipped when it no longer applied) and, for people, why."""

    status: StepStatus
    outcome: str
    also_done: int = 0  # other incidents' re-pages brought forward and done with it

    @classmethod
    def done(cls, outcome: str) -> StepResult:
        return cls(StepStatus.DONE, outcome)

    @classmethod
    def skipped(cls, outcome: str) -> StepResult:
        return cls(StepStatus.SKIPPED, outcome)


def paged(level: int | None) -> str:
    """What paging a level came to: page_level returns None when no level had anyone."""
    return f"paged level {level}" if level is not None else "nobody left to page"


class StepRunner:
    """Runs one step inside the watcher's transaction, paging through the Pager."""

    def __init__(self, pager: Pager, log: IncidentLog, clock: Clock) -> None:
        self._pager = pager
        self._log = log
        self._clock = clock

    async def run(
        self, session: AsyncSession, step: EscalationStep, incident: Incident
    ) -> StepResult:
        """Do one due step, if it still applies."""
        level = step.level or incident.level
        resolved = incident.status == IncidentStatus.RESOLVED
        unanswered = incident.acknowledged_at is None and not resolved
        pager = self._pager
        if not incident.policy.tier_paging(incident.tier).dms and step.kind in PAGING_STEPS:
            # Moved to a tier nobody is paged for by DM after its pages went out.
            return StepResult.skipped(f"Tier {incident.tier} is not paged by DM")
        match step.kind:
            case StepKind.PAGE if unanswered:
                level_paged = await pager.page_level(
                    session, incident, level, "deferred until business hours"
                )
                return StepResult.done(paged(level_paged))
            case StepKind.REPAGE if unanswered:
                if step.attempt is None:
                    raise ValueError(f"re-page step {step.key} has no attempt")
                sent = await pager.repage(session, incident, level, step.attempt)
                early = await self._bring_forward(session, incident, level, step)
                return StepResult(StepStatus.DONE, f"re-paged {sent}", also_done=early)
            case StepKind.HANDOVER if unanswered and incident.level <= level:
                timeout = incident.policy.timeout(incident.tier, level)
                level_paged = await pager.page_level(
                    session,
                    incident,
                    level + 1,
                    f"level {level} did not acknowledge in {format_duration(timeout)}",
                    escalating=True,
                )
                return StepResult.done(paged(level_paged))
            case StepKind.SLA_ACK:
                return await self._ack_deadline(session, incident, level)
            case StepKind.SLA_RESOLVE:
                return await self._resolve_deadline(session, incident)
            case StepKind.LEVEL1_RULE if not resolved and incident.level == 1:
                after = incident.policy.level1_unresolved_after
                reason = "unresolved at level 1" + (
                    f" after {format_duration(after)}" if after else ""
                )
                return StepResult.done(paged(await pager.page_level(session, incident, 2, reason)))
            case StepKind.NOTIFY_HALF if not resolved:
                level_told = await pager.page_level(
                    session,
                    incident,
                    level,
                    "half the resolution target has passed",
                    notify_only=True,
                )
                return StepResult.done(
                    f"notified level {level_told}" if level_told else "nobody left to notify"
                )
        return StepResult.skipped("no longer needed")

    async def _bring_forward(
        self, session: AsyncSession, incident: Incident, level: int, step: EscalationStep
    ) -> int:
        """The same people's re-pages of other incidents that fall due soon go now too, so the
        delivery sends them as one DM (bot/paging/digest.py)."""
        now, early = self._clock.now(), 0
        for other_step, other in await due_soon_for(session, incident, level, now):
            if other_step.attempt is None or other_step.level is None:
                continue
            answered = other.acknowledged_at is not None
            if answered or other.status == IncidentStatus.RESOLVED:
                continue
            sent = await self._pager.repage(session, other, other_step.level, other_step.attempt)
            other_step.status, other_step.done_at = StepStatus.DONE, now
            other_step.outcome = f"re-paged {sent}, early, with {ref(incident.id)}'s re-page"
            early += 1
        for page in incident.pages:
            fresh = page.level == level and page.attempt == step.attempt
            if fresh and page.kind == PageKind.PAGE and page.status == PageStatus.QUEUED:
                await link(session, page)
        return early

    async def _ack_deadline(
        self, session: AsyncSession, incident: Incident, level: int
    ) -> StepResult:
        acked = incident.acknowledged_at
        if acked is not None and acked <= incident.ack_due_at:
            return StepResult.skipped("acknowledged in time")
        if incident.ack_breached_at is None:
            incident.ack_breached_at = incident.ack_due_at
            await self._breach(session, incident, "acknowledgement target missed")
        dms = incident.policy.tier_paging(incident.tier).dms
        if acked is None and incident.status != IncidentStatus.RESOLVED and dms:
            level_paged = await self._pager.page_level(
                session,
                incident,
                level,
                "not acknowledged within the response target",
                escalating=True,
            )
            return StepResult.done(f"breach; {paged(level_paged)}")
        return StepResult.done("breach")

    async def _resolve_deadline(self, session: AsyncSession, incident: Incident) -> StepResult:
        due = incident.resolve_due_at
        if due is None or (incident.resolved_at is not None and incident.resolved_at <= due):
            return StepResult.skipped("resolved in time")
        if incident.resolve_breached_at is None:
            incident.resolve_breached_at = due
            await self._breach(session, incident, "resolution target missed")
        unresolved = incident.status != IncidentStatus.RESOLVED
        dms = incident.policy.tier_paging(incident.tier).dms
        if unresolved and incident.level < incident.policy.max_level and dms:
            level_paged = await self._pager.page_level(
                session,
                incident,
                incident.level + 1,
                "not resolved within the resolution target",
                escalating=True,
            )
            return StepResult.done(f"breach; {paged(level_paged)}")
        return StepResult.done("breach")

    async def _breach(self, session: AsyncSession, incident: Incident, text: str) -> None:
        await self._log.changed(session, incident, BOT_ACTOR, "breach", text)
