"""Escalation steps written ahead: deferred pages, re-pages, hand-overs, deadline watches.

Each is a row the watcher runs when it falls due (bot/paging/steps.py), so a restart loses
none; its key is unique per incident, so writing the same step twice fails instead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import (
    DEADLINE_STEPS,
    EscalationStep,
    Incident,
    StepKind,
    StepStatus,
    add_row,
)


def add_step(
    session: AsyncSession,
    incident: Incident,
    kind: StepKind,
    key: str,
    due: datetime,
    *,
    level: int | None = None,
    attempt: int | None = None,
) -> None:
    """One step for the watcher, in the caller's transaction (in a batch, written as it ends:
    no step is read back in the transaction that writes it)."""
    add_row(
        session,
        EscalationStep,
        {
            "incident_id": incident.id,
            "key": key,
            "kind": kind,
            "level": level,
            "attempt": attempt,
            "due_at": due,
            "status": StepStatus.PENDING,
        },
    )


def defer_pages(
    session: AsyncSession, incident: Incident, levels: list[int], wait_until: datetime
) -> None:
    """Pages that wait for business hours: the targets count from then, not the evening
    before."""
    incident.paging_deferred_until = wait_until
    due = incident.policy.targets(incident.tier, wait_until)
    incident.ack_due_at, incident.resolve_due_at = due.ack_due_at, due.resolve_due_at
    for level in levels:
        add_step(session, incident, StepKind.PAGE, f"page:L{level}", wait_until, level=level)


def schedule_repages(session: AsyncSession, incident: Incident, level: int, now: datetime) -> None:
    """A just-paged level's later tries, and the hand-over to the next level after the last."""
    every, tries = incident.policy.cadence(incident.tier, level)
    for attempt in range(2, tries + 1):
        add_step(
            session,
            incident,
            StepKind.REPAGE,
            f"repage:L{level}:{attempt}",
            now + every * (attempt - 1),
            level=level,
            attempt=attempt,
        )
    if level < incident.policy.max_level:
        add_step(
            session,
            incident,
            StepKind.HANDOVER,
            f"handover:L{level}",
            now + every * tries,
            level=level,
        )


async def schedule_deadlines(
    session: AsyncSession, incident: Incident, now: datetime, *, new: bool = False
) -> None:
    """(Re)write the steps that watch the incident's deadlines; the old ones are cancelled.

    new: a just-declared incident, which has no deadline steps yet."""
    if not new:
        await session.execute(
            update(EscalationStep)
            .where(
                EscalationStep.incident_id == incident.id,
                EscalationStep.status == StepStatus.PENDING,
                EscalationStep.kind.in_(DEADLINE_STEPS),
            )
            .values(status=StepStatus.CANCELLED, done_at=now)
        )
    policy = incident.policy
    spec = policy.tier_paging(incident.tier)
    # Deferred pages start the clock when they go out, not when the incident was declared.
    start = incident.paging_deferred_until or incident.created_at
    ack_escalates_to = min(max(spec.page) + 1, policy.max_level)
    wanted: list[tuple[StepKind, datetime, int | None]] = [
        (StepKind.SLA_ACK, incident.ack_due_at, ack_escalates_to)
    ]
    if incident.resolve_due_at is not None:
        wanted.append((StepKind.SLA_RESOLVE, incident.resolve_due_at, None))
        if spec.notify_at_half_resolve:
            halfway = start + (incident.resolve_due_at - start) / 2
            wanted.append((StepKind.NOTIFY_HALF, halfway, spec.notify_at_half_resolve))
    rule = policy.level1_unresolved_after
    # A tier nobody is paged for by DM (Tier 4) is not handed to level 2 by the clock either.
    if rule and policy.max_level >= 2 and spec.dms:
        wanted.append((StepKind.LEVEL1_RULE, start + rule, 2))
    existing = (
        set()
        if new
        else set(
            await session.scalars(
                select(EscalationStep.key).where(EscalationStep.incident_id == incident.id)
            )
        )
    )
    for kind, due, level in wanted:
        key = f"{kind}:{int(due.timestamp())}"
        if key not in existing:
            add_step(session, incident, kind, key, max(due, start), level=level)
