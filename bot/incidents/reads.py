"""Reading incidents: one with its timeline, the open ones, one person's, by the request that
declared them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.config import Plan
from bot.errors import IncidentNotFound
from bot.incidents.declaration import Declaration
from bot.incidents.lookalike import alike
from bot.incidents.titles import split_report
from bot.store import LIVE_PAGES, Incident, IncidentStatus, Page, PageKind, PageStatus
from bot.timeline import EventView, IncidentDetail, IncidentView, ref

LIST_LIMIT = 20
# Enough open incidents from the last half hour to compare a report with, however busy.
ALIKE_LIMIT = 50


# Titles only: a busy half hour has dozens of open incidents, each with its pages and policy,
# and at most one of them is shown. Built once: every declaration asks.
_OPEN_TITLES = (
    select(Incident.id, Incident.title)
    .where(
        Incident.status != IncidentStatus.RESOLVED,
        Incident.created_at >= bindparam("since"),
    )
    .order_by(Incident.id.desc())
    .limit(ALIKE_LIMIT)
)


@dataclass(frozen=True)
class Yours:
    """One person's open incidents: those whose page waits for their answer, then the others
    they reported, acknowledged or were paged for (each listed once, most severe first)."""

    pages: tuple[IncidentView, ...]
    involved: tuple[IncidentView, ...]


def _waits_on(incident: Incident, user: str) -> bool:
    # A page asks them to take it until someone does; a notice asks nothing of anyone.
    return incident.acknowledged_at is None and any(
        p.user == user and p.kind == PageKind.PAGE and p.status in LIVE_PAGES
        for p in incident.pages
    )


class IncidentReads:
    """The queries IncidentService answers without changing anything."""

    _sessions: async_sessionmaker[AsyncSession]
    _plan: Plan
    _clock: Clock

    async def get(self, incident_id: int) -> IncidentDetail:
        """One incident with its timeline."""
        async with self._sessions() as session:
            incident = await self._load(session, incident_id, with_events=True)
            return IncidentDetail(
                IncidentView.of(incident), tuple(EventView.of(e) for e in incident.events)
            )

    async def list_open(self) -> list[IncidentView]:
        """Open incidents, most severe and oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Incident)
                .where(Incident.status != IncidentStatus.RESOLVED)
                .order_by(Incident.tier, Incident.id)
                .limit(LIST_LIMIT)
            )
            return [IncidentView.of(i) for i in rows]

    async def yours(self, user: str) -> Yours:
        """The open incidents one person is on, for their App Home."""
        paged = select(Page.incident_id).where(
            Page.user == user, Page.status != PageStatus.CANCELLED
        )
        async with self._sessions() as session:
            rows = list(
                await session.scalars(
                    select(Incident)
                    .where(
                        Incident.status != IncidentStatus.RESOLVED,
                        or_(
                            Incident.reporter == user,
                            Incident.acknowledged_by == user,
                            Incident.id.in_(paged),
                        ),
                    )
                    # All of them: the home counts what it does not list, and one person is
                    # on a handful of open incidents, not the whole list.
                    .order_by(Incident.tier, Incident.id)
                )
            )
            return Yours(
                pages=tuple(IncidentView.of(i) for i in rows if _waits_on(i, user)),
                involved=tuple(IncidentView.of(i) for i in rows if not _waits_on(i, user)),
            )

    async def count_open(self) -> int:
        """How many incidents are open, however many `list_open` shows."""
        async with self._sessions() as session:
            total = await session.scalar(
                select(func.count())
                .select_from(Incident)
                .where(Incident.status != IncidentStatus.RESOLVED)
            )
            return int(total or 0)

    async def _alike(self, session: AsyncSession, request: Declaration) -> Incident | None:
        """The newest incident still open, declared within the plan's duplicate window, whose
        title reads like the report's; None when there is none (or the plan never asks)."""
        window = self._plan.incidents.duplicate_window
        title, _ = split_report(request.text)
        if window is None or not title:
            return None
        rows = await session.execute(_OPEN_TITLES, {"since": self._clock.now() - window})
        found = next((row.id for row in rows if alike(title, row.title)), None)
        return await self._load(session, found) if found else None

    async def _by_source(self, source_key: str) -> IncidentView | None:
        async with self._sessions() as session:
            found = await session.scalar(select(Incident).where(Incident.source_key == source_key))
            return IncidentView.of(found) if found else None

    async def _load(
        self,
        session: AsyncSession,
        incident_id: int,
        *,
        for_update: bool = False,
        with_events: bool = False,
    ) -> Incident:
        query = select(Incident).where(Incident.id == incident_id)
        if with_events:
            query = query.options(selectinload(Incident.events))
        if for_update:
            query = query.with_for_update()
        incident = await session.scalar(query)
        if incident is None:
            raise IncidentNotFound(ref=ref(incident_id))
        return incident
