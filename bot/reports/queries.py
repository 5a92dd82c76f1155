"""What a report reads from the database for one period: plain rows, no figures yet.

Every query is bounded by the period's start and cutoff: what happened later is not counted,
so a closed period's figures never change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.slack import BOT_ACTOR
from bot.store import (
    ChecklistRun,
    ChecklistTick,
    Incident,
    IncidentEvent,
    Page,
    PageKind,
    PageStatus,
    RunKind,
)

LESSONS_SHOWN = 20
CORRECTIONS_SHOWN = 10
LOWEST_SHOWN = 5


@dataclass(frozen=True)
class IncidentRow:
    """An incident declared in the period, with its clock and deadlines."""

    id: int
    tier: int
    title: str
    created_at: datetime
    deferred_until: datetime | None
    acknowledged_at: datetime | None
    ack_due_at: datetime
    resolved_at: datetime | None
    resolve_due_at: datetime | None


@dataclass(frozen=True)
class PageRow:
    """A page sent in the period, with who acknowledged its incident and when."""

    incident_id: int
    level: int
    user: str
    declined: bool
    sent_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class RunRow:
    """A checklist slot in the period: how many items it had and how many were ticked."""

    checklist: str
    title: str
    status: str
    items: int
    ticked: int


@dataclass(frozen=True)
class Rows:
    """Everything one period's figures are computed from."""

    declared: list[IncidentRow]
    resolved_by_tier: dict[int, int]
    open_by_tier: dict[int, int]
    oldest_open: tuple[int, str, datetime] | None
    ack_breaches: dict[int, int]
    resolve_breaches: dict[int, int]
    pages: list[PageRow]
    # (incident, level, when that level was first paged), for incidents paged in the period.
    level_firsts: list[tuple[int, int, datetime]]
    runs: list[RunRow]
    ratings: list[tuple[int, str, int]]
    lessons: list[tuple[int, str, str]]
    lessons_total: int
    corrections: list[tuple[int, str, str]]
    corrections_total: int


def _between(column: Any, start: datetime, cutoff: datetime) -> Any:
    return and_(column >= start, column < cutoff)


async def _by_tier(session: AsyncSession, condition: Any) -> dict[int, int]:
    rows = await session.execute(
        select(Incident.tier, func.count()).where(condition).group_by(Incident.tier)
    )
    return {int(tier): int(count) for tier, count in rows}


async def read_rows(session: AsyncSession, start: datetime, cutoff: datetime) -> Rows:
    """Every row the period's figures need (what happened at or after cutoff is left out)."""
    declared = [
        IncidentRow(*row)
        for row in await session.execute(
            select(
                Incident.id,
                Incident.tier,
                Incident.title,
                Incident.created_at,
                Incident.paging_deferred_until,
                Incident.acknowledged_at,
                Incident.ack_due_at,
                Incident.resolved_at,
                Incident.resolve_due_at,
            )
            .where(_between(Incident.created_at, start, cutoff))
            .order_by(Incident.id)
        )
    ]
    still_open = and_(
        Incident.created_at < cutoff,
        or_(Incident.resolved_at.is_(None), Incident.resolved_at >= cutoff),
    )
    oldest = (
        await session.execute(
            select(Incident.id, Incident.title, Incident.created_at)
            .where(still_open)
            .order_by(Incident.created_at, Incident.id)
            .limit(1)
        )
    ).first()
    return Rows(
        declared=declared,
        resolved_by_tier=await _by_tier(session, _between(Incident.resolved_at, start, cutoff)),
        open_by_tier=await _by_tier(session, still_open),
        oldest_open=(int(oldest[0]), str(oldest[1]), oldest[2]) if oldest else None,
        ack_breaches=await _by_tier(session, _between(Incident.ack_breached_at, start, cutoff)),
        resolve_breaches=await _by_tier(
            session, _between(Incident.resolve_breached_at, start, cutoff)
        ),
        pages=await _pages(session, start, cutoff),
        level_firsts=await _level_firsts(session, start, cutoff),
        runs=await _runs(session, start, cutoff),
        ratings=[
            (int(i), str(t), int(r or 0))
            for i, t, r in await session.execute(
                select(Incident.id, Incident.title, Incident.rating)
                .where(_between(Incident.rated_at, start, cutoff), Incident.rating.is_not(None))
                .order_by(Incident.rating, Incident.id)
            )
        ],
        **await _lessons(session, start, cutoff),
        **await _corrections(session, start, cutoff),
    )


async def _pages(session: AsyncSession, start: datetime, cutoff: datetime) -> list[PageRow]:
    rows = await session.execute(
        select(
            Page.incident_id,
            Page.level,
            Page.user,
            Page.status,
            Page.sent_at,
            Incident.acknowledged_by,
            Incident.acknowledged_at,
        )
        .join(Incident, Incident.id == Page.incident_id)
        .where(Page.kind == PageKind.PAGE, _between(Page.sent_at, start, cutoff))
        .order_by(Page.sent_at, Page.id)
    )
    return [
        PageRow(
            incident_id=incident_id,
            level=level,
            user=user,
            declined=status == PageStatus.DECLINED,
            sent_at=sent_at or cutoff,  # the filter on sent_at leaves no None
            # An acknowledgement after the cutoff has not happened yet, for this period.
            acknowledged_by=by if acked is not None and acked < cutoff else None,
            acknowledged_at=acked if acked is not None and acked < cutoff else None,
        )
        for incident_id, level, user, status, sent_at, by, acked in rows
    ]


async def _level_firsts(
    session: AsyncSession, start: datetime, cutoff: datetime
) -> list[tuple[int, int, datetime]]:
    paged = (
        select(Page.incident_id)
        .where(Page.kind == PageKind.PAGE, _between(Page.created_at, start, cutoff))
        .distinct()
    )
    rows = await session.execute(
        select(Page.incident_id, Page.level, func.min(Page.created_at))
        .where(Page.kind == PageKind.PAGE, Page.incident_id.in_(paged), Page.created_at < cutoff)
        .group_by(Page.incident_id, Page.level)
    )
    return [(int(i), int(level), first) for i, level, first in rows]


async def _runs(session: AsyncSession, start: datetime, cutoff: datetime) -> list[RunRow]:
    in_period = and_(
        ChecklistRun.kind == RunKind.CHECKLIST, _between(ChecklistRun.slot_at, start, cutoff)
    )
    ticked = {
        int(run_id): int(count)
        for run_id, count in await session.execute(
            select(ChecklistTick.run_id, func.count())
            .where(
                ChecklistTick.run_id.in_(select(ChecklistRun.id).where(in_period)),
                ChecklistTick.ticked_at < cutoff,
            )
            .group_by(ChecklistTick.run_id)
        )
    }
    rows = await session.execute(
        select(
            ChecklistRun.id,
            ChecklistRun.checklist,
            ChecklistRun.title,
            ChecklistRun.status,
            ChecklistRun.items,
        )
        .where(in_period)
        .order_by(ChecklistRun.slot_at)
    )
    return [
        RunRow(name, title, str(status), len((items or {}).get("items", [])), ticked.get(i, 0))
        for i, name, title, status, items in rows
    ]


async def _lessons(session: AsyncSession, start: datetime, cutoff: datetime) -> dict[str, Any]:
    condition = and_(
        _between(Incident.resolved_at, start, cutoff),
        Incident.lessons.is_not(None),
        Incident.lessons != "",
    )
    total = await session.scalar(select(func.count()).select_from(Incident).where(condition))
    rows = await session.execute(
        select(Incident.id, Incident.title, Incident.lessons)
        .where(condition)
        .order_by(Incident.resolved_at, Incident.id)
        .limit(LESSONS_SHOWN)
    )
    return {
        "lessons": [(int(i), str(t), str(text)) for i, t, text in rows],
        "lessons_total": int(total or 0),
    }


async def _corrections(session: AsyncSession, start: datetime, cutoff: datetime) -> dict[str, Any]:
    condition = and_(
        IncidentEvent.kind == "tier_changed",
        IncidentEvent.actor != BOT_ACTOR,
        _between(IncidentEvent.at, start, cutoff),
    )
    total = await session.scalar(select(func.count()).select_from(IncidentEvent).where(condition))
    rows = await session.execute(
        select(IncidentEvent.incident_id, IncidentEvent.actor, IncidentEvent.text)
        .where(condition)
        .order_by(IncidentEvent.at.desc(), IncidentEvent.id.desc())
        .limit(CORRECTIONS_SHOWN)
    )
    return {
        "corrections": [(int(i), str(a), str(t)) for i, a, t in rows],
        "corrections_total": int(total or 0),
    }
