"""Reads what the status page shows: each monitor's state now, firing alerts, incidents."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import MonitorConfig, Plan
from bot.monitoring.spans import maintenance
from bot.status.history import with_history
from bot.status.views import (
    Banner,
    FiringAlert,
    IncidentLine,
    MonitorCard,
    Shown,
    StatusPage,
)
from bot.store import (
    Alert,
    AlertState,
    Incident,
    IncidentStatus,
    MonitorStatus,
)

HISTORY = timedelta(days=90)
HISTORY_SHOWN = 100
# A monitor whose last check is older than this many of its intervals (plus a margin for a
# slow probe) is not being checked: its old state is no longer news.
STALE_AFTER_CHECKS = 3
STALE_MARGIN = timedelta(minutes=1)


def public_target(monitor: MonitorConfig) -> str | None:
    """Where a `public: true` monitor points, without credentials, query or fragment."""
    if not monitor.public:
        return None
    check = monitor.check.root
    if check.kind in {"http", "metric"}:
        url = urlsplit(check.url)
        host = url.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if url.port is not None:
            netloc += f":{url.port}"
        return urlunsplit((url.scheme, netloc, url.path, "", ""))
    if check.kind == "tls":
        return f"{check.host}:{check.port}"
    return None


def banner(states: list[Shown]) -> Banner:
    """The headline: the worst current state wins; old incidents play no part."""
    if not states:
        return Banner.NO_MONITORS
    if Shown.DOWN in states:
        return Banner.OUTAGE
    if Shown.DEGRADED in states:
        return Banner.DEGRADED
    if Shown.UP in states:
        return Banner.MAINTENANCE if Shown.MAINTENANCE in states else Banner.OPERATIONAL
    if Shown.MAINTENANCE in states:
        return Banner.MAINTENANCE
    return Banner.NO_DATA


class StatusBoard:
    """The status page's reads (read-only: never writes)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], plan: Plan, clock: Clock):
        self._sessions = sessions
        self._plan = plan
        self._clock = clock

    async def page(self) -> StatusPage:
        """Everything the page shows, as of now."""
        now = self._clock.now()
        async with self._sessions() as session:
            cards = await with_history(session, self._plan, await self._cards(session, now), now)
            alerts = await self._alerts(session)
            open_rows, history, total = await self._incidents(session, now)
        states = [card.state for card in cards]
        return StatusPage(
            generated_at=now,
            banner=banner(states),
            monitors=cards,
            open_incidents=open_rows,
            history=history,
            history_total=total,
            alerts=alerts,
            timezone=self._plan.timezone,
            counts={shown: states.count(shown) for shown in Shown if shown in states},
        )

    async def _cards(self, session: AsyncSession, now: datetime) -> list[MonitorCard]:
        rows = {
            row.monitor.casefold(): row
            for row in (await session.scalars(select(MonitorStatus))).all()
        }
        in_maintenance = await self._in_maintenance(session, now)
        cards = []
        for monitor in self._plan.monitors:
            row = rows.get(monitor.name.casefold())
            state = _shown(monitor, row, now)
            if monitor.name.casefold() in in_maintenance:
                state = Shown.MAINTENANCE
            cards.append(
                MonitorCard(
                    name=monitor.name,
                    kind=monitor.check.kind,
                    state=state,
                    since=row.since if row is not None else None,
                    checked_at=row.checked_at if row is not None else None,
                    response_ms=row.response_ms if row is not None else None,
                    target=public_target(monitor),
                    summary=row.summary or None if row is not None and monitor.public else None,
                )
            )
        return cards

    async def _in_maintenance(self, session: AsyncSession, now: datetime) -> set[str]:
        """Names (casefolded) of monitors in planned maintenance right now."""
        names = [m.name for m in self._plan.monitors]
        windows = await maintenance(session, names, now, now + timedelta(seconds=1), self._plan)
        return {name.casefold() for name, spans in windows.items() if spans}

    async def _alerts(self, session: AsyncSession) -> list[FiringAlert]:
        """Firing alerts, with summaries only of `public: true` monitors (the App Home shows the
        team everything through the alerts service)."""
        public = {m.name.casefold() for m in self._plan.monitors if m.public}
        rows = await session.scalars(
            select(Alert).where(Alert.state == AlertState.FIRING).order_by(Alert.fired_at)
        )
        return [
            FiringAlert(
                monitor=row.monitor,
                rule=row.rule,
                fired_at=row.fired_at,
                acked_by=row.acked_by,
                incident_id=row.incident_id,
                summary=row.summary or None if row.monitor.casefold() in public else None,
            )
            for row in rows.all()
        ]

    async def _incidents(
        self, session: AsyncSession, now: datetime
    ) -> tuple[list[IncidentLine], list[IncidentLine], int]:
        """(open ones, most severe first; the last 90 days' newest first, capped; their count)."""
        open_rows = await session.scalars(
            select(Incident)
            .where(Incident.status != IncidentStatus.RESOLVED)
            .order_by(Incident.tier, Incident.created_at)
        )
        recent = or_(Incident.created_at >= now - HISTORY, Incident.resolved_at >= now - HISTORY)
        history = await session.scalars(
            select(Incident).where(recent).order_by(Incident.created_at.desc()).limit(HISTORY_SHOWN)
        )
        total = await session.scalar(select(func.count()).select_from(Incident).where(recent))
        return (
            [self._line(row) for row in open_rows.all()],
            [self._line(row) for row in history.all()],
            int(total or 0),
        )

    def _line(self, row: Incident) -> IncidentLine:
        tier = self._plan.tiers.get(row.tier)
        return IncidentLine(
            id=row.id,
            tier=row.tier,
            tier_name=tier.name if tier is not None else "",
            title=row.title,
            status=row.status.value,
            declared_at=row.created_at,
            resolved_at=row.resolved_at,
        )


def _shown(monitor: MonitorConfig, row: MonitorStatus | None, now: datetime) -> Shown:
    if row is None or row.checked_at is None:
        return Shown.STALE
    if now - row.checked_at > monitor.every * STALE_AFTER_CHECKS + STALE_MARGIN:
        return Shown.STALE
    return Shown(row.state.value)
