"""What people do to alerts: list what is firing, acknowledge one, silence a monitor or put it
in maintenance. Acknowledging and muting are for the people on call now and admins, as acting
on an incident is (bot/paging/responders.py)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Plan, parse_duration
from bot.errors import BadInput, InvalidTransition, NotAllowed
from bot.monitoring.alerts import alert_key
from bot.monitoring.mutes import active_mutes
from bot.monitoring.views import AlertView
from bot.oncall import OnCallService
from bot.slack import Kind, Outbox
from bot.store import Alert, AlertState, MonitorMute, MuteKind

ALL = "all"


@dataclass(frozen=True)
class MuteView:
    """A silence or maintenance window in force."""

    monitor: str | None
    kind: MuteKind
    ends_at: datetime
    by: str


@dataclass(frozen=True)
class Firing:
    """What `/alerts` shows: alerts firing now and the mutes in force."""

    alerts: list[AlertView]
    mutes: list[MuteView]


class AlertService:
    """Verbs on alerts and mutes; each owns its transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        plan: Plan,
        outbox: Outbox,
        clock: Clock,
        oncall: OnCallService,
    ) -> None:
        self._sessions = sessions
        self._plan = plan
        self._outbox = outbox
        self._clock = clock
        self._oncall = oncall

    def _transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._outbox.transaction(self._sessions)

    async def firing(self) -> Firing:
        """Alerts firing now, oldest first, and the silences and maintenance in force."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Alert).where(Alert.state == AlertState.FIRING).order_by(Alert.fired_at)
            )
            alerts = [AlertView.of(a) for a in rows]
            mutes = [
                MuteView(m.monitor, m.kind, m.ends_at, m.by)
                for m in await active_mutes(session, self._clock.now())
            ]
        return Firing(alerts, mutes)

    async def mute(self, kind: MuteKind, name: str, duration: str, *, by: str) -> MuteView:
        """Silence a monitor's alerts (or every monitor's: `all`) for a while; maintenance
        also leaves the time out of uptime."""
        monitor = None if name.casefold() == ALL else self._plan.monitor(name)
        if monitor is None and name.casefold() != ALL:
            names = [m.name for m in self._plan.monitors]
            raise BadInput(reason="unknown_monitor", given=name, names=names)
        try:
            length = parse_duration(duration)
        except ValueError:
            raise BadInput(reason="bad_duration", given=duration) from None
        now = self._clock.now()
        async with self._transaction() as session:
            await self._require(session, by, f"mute_{kind.value}", name)
            mute = MonitorMute(
                monitor=monitor.name if monitor else None,
                kind=kind,
                starts_at=now,
                ends_at=now + length,
                by=by,
                created_at=now,
            )
            session.add(mute)
        return MuteView(mute.monitor, kind, mute.ends_at, by)

    async def acknowledge(self, alert_id: int, *, by: str) -> AlertView:
        """Someone has it: the post says who, and the reminders stop."""
        async with self._transaction() as session:
            alert = await session.get(Alert, alert_id, with_for_update=True)
            ref = f"alert #{alert_id}"
            if alert is None:
                raise BadInput(reason="unknown_alert", given=ref)
            if alert.state is AlertState.RESOLVED:
                raise InvalidTransition(reason="alert_recovered", ref=ref)
            if alert.acked_by is not None:
                raise InvalidTransition(reason="already_acknowledged", ref=ref, who=alert.acked_by)
            await self._require(session, by, "alert_acknowledge", ref)
            alert.acked_by, alert.acked_at = by, self._clock.now()
            await self._outbox.add(
                session, Kind.UPDATE_ALERT, alert_key(alert.id), {"alert": alert.id}, coalesce=True
            )
            return AlertView.of(alert)

    async def _require(self, session: AsyncSession, by: str, action: str, ref: str) -> None:
        if by in self._plan.admins:
            return
        roster = await self._oncall.roster_in(session, self._clock.now())
        on_call = sorted({p for level in roster.levels for p in level.people})
        if by not in on_call:
            raise NotAllowed(action=action, ref=ref, people=on_call)
