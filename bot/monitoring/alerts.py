"""Alerts: one rule firing on one monitor, from the first breach to recovery.

pending → firing once the breach has held for the rule's for-duration (posted once, in the
alerts channel) → resolved after `recover_after` good checks in a row (recovery posted in the
alert's thread, and on its incident). While firing it reminds every `remind_every`, unless
acknowledged or muted. The unique `open_key` keeps one open alert per monitor and rule, whatever
the restarts and replicas.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.monitoring.rules import NO_REMINDERS, Limits, Reading, Rule
from bot.slack import BOT_ACTOR, Kind, Outbox
from bot.store import Alert, AlertState, Incident
from bot.timeline import IncidentLog


def alert_key(alert_id: int) -> str:
    """The outbox key of an alert's messages (its post first, then its thread, in order)."""
    return f"alert:{alert_id}"


def open_key(monitor: str, rule: Rule) -> str:
    return f"{monitor}:{rule.value}"


class Reply(StrEnum):
    """What an alert says in its thread."""

    REMINDER = "reminder"
    RECOVERED = "recovered"
    WORSE = "worse"


@dataclass(frozen=True)
class Change:
    """What evaluating one reading did to its alert."""

    alert_id: int
    state: AlertState
    fired: bool = False
    recovered: bool = False


class AlertBook:
    """Moves alerts through their states and queues what Slack should show."""

    def __init__(self, outbox: Outbox, clock: Clock, *, channel: str) -> None:
        self._outbox = outbox
        self._clock = clock
        self._channel = channel
        self._log = IncidentLog(outbox, clock)

    async def open_alerts(self, session: AsyncSession, monitor: str) -> dict[Rule, Alert]:
        """The monitor's open alerts (pending or firing) by rule, read in one query."""
        rows = await session.scalars(
            select(Alert).where(Alert.monitor == monitor, Alert.open_key.is_not(None))
        )
        return {Rule(a.rule): a for a in rows}

    async def open_alerts_of(
        self, session: AsyncSession, monitors: Collection[str]
    ) -> dict[str, dict[Rule, Alert]]:
        """Each monitor's open alerts by rule, for many monitors in one query."""
        found: dict[str, dict[Rule, Alert]] = {m: {} for m in monitors}
        rows = await session.scalars(
            select(Alert).where(Alert.monitor.in_(list(monitors)), Alert.open_key.is_not(None))
        )
        for alert in rows:
            found[alert.monitor][Rule(alert.rule)] = alert
        return found

    async def apply(
        self,
        session: AsyncSession,
        monitor: str,
        reading: Reading,
        limits: Limits,
        *,
        muted: bool,
        open_now: dict[Rule, Alert],
    ) -> Change | None:
        """Fold one reading into the monitor's alert for its rule (`open_now`: the monitor's
        open alerts, kept up to date as one opens)."""
        now = self._clock.now()
        alert = open_now.get(reading.rule)
        if alert is None:
            if not (reading.bad and reading.trips):
                return None
            alert = await self._open(session, monitor, reading, now)
            if alert is None:  # another replica opened it a moment ago
                return None
            open_now[reading.rule] = alert
        if reading.bad is None:
            return None
        if alert.state is AlertState.PENDING:
            return await self._pending(session, alert, reading, limits, now, muted=muted)
        return await self._firing(session, alert, reading, limits, now, muted=muted)

    async def _open(
        self, session: AsyncSession, monitor: str, reading: Reading, now: datetime
    ) -> Alert | None:
        alert = Alert(
            monitor=monitor,
            rule=reading.rule.value,
            open_key=open_key(monitor, reading.rule),
            state=AlertState.PENDING,
            started_at=now,
            value=reading.stage if reading.stage is not None else reading.value,
            summary=reading.detail[:200],
        )
        try:
            async with session.begin_nested():
                session.add(alert)
        except IntegrityError:
            return None
        return alert

    async def _pending(
        self,
        session: AsyncSession,
        alert: Alert,
        reading: Reading,
        limits: Limits,
        now: datetime,
        *,
        muted: bool,
    ) -> Change:
        if not reading.bad:
            # It never held long enough to be an alert: nobody was told, nobody is.
            alert.state, alert.open_key, alert.resolved_at = AlertState.RESOLVED, None, now
            return Change(alert.id, alert.state)
        alert.summary = reading.detail[:200]
        if muted or now - alert.started_at < limits.wait(Rule(alert.rule)):
            return Change(alert.id, alert.state)
        alert.state, alert.fired_at, alert.channel = AlertState.FIRING, now, self._channel
        alert.value = reading.stage if reading.stage is not None else reading.value
        await self._outbox.add(session, Kind.POST_ALERT, alert_key(alert.id), {"alert": alert.id})
        return Change(alert.id, alert.state, fired=True)

    async def _firing(
        self,
        session: AsyncSession,
        alert: Alert,
        reading: Reading,
        limits: Limits,
        now: datetime,
        *,
        muted: bool,
    ) -> Change:
        if not reading.bad:
            alert.good_in_row += 1
            if alert.good_in_row < limits.recover_after:
                return Change(alert.id, alert.state)
            await self.resolve(session, alert, now)
            return Change(alert.id, alert.state, recovered=True)
        alert.good_in_row = 0
        alert.summary = reading.detail[:200]
        if reading.stage is not None and alert.value is not None and reading.stage < alert.value:
            alert.value = reading.stage
            await self._reply(session, alert, Reply.WORSE)
        last = alert.reminded_at or alert.fired_at or now
        reminds = not muted and alert.acked_at is None and Rule(alert.rule) not in NO_REMINDERS
        if reminds and now - last >= limits.remind_every:
            alert.reminded_at = now
            await self._reply(session, alert, Reply.REMINDER)
        return Change(alert.id, alert.state)

    async def resolve(self, session: AsyncSession, alert: Alert, now: datetime) -> None:
        """Recovered: said in the alert's thread and on its incident (which stays open for
        people to resolve with a write-up)."""
        alert.state, alert.open_key, alert.resolved_at = AlertState.RESOLVED, None, now
        await self._reply(session, alert, Reply.RECOVERED)
        await self._outbox.add(
            session, Kind.UPDATE_ALERT, alert_key(alert.id), {"alert": alert.id}, coalesce=True
        )
        if alert.incident_id is not None:
            incident = await session.get(Incident, alert.incident_id)
            if incident is not None:
                text = f"{alert.monitor} recovered (alert #{alert.id})"
                await self._log.changed(session, incident, BOT_ACTOR, "monitor_recovered", text)

    async def link(self, session: AsyncSession, alert_id: int, incident_id: int) -> None:
        """The alert's incident: each names the other (post edit, timeline entry)."""
        alert = await session.get(Alert, alert_id)
        incident = await session.get(Incident, incident_id)
        if alert is None or incident is None or alert.incident_id == incident_id:
            return
        alert.incident_id = incident_id
        text = f"alert #{alert.id} on {alert.monitor}: {alert.summary}"
        await self._log.changed(session, incident, BOT_ACTOR, "alert", text)
        await self._outbox.add(
            session, Kind.UPDATE_ALERT, alert_key(alert.id), {"alert": alert.id}, coalesce=True
        )

    async def _reply(self, session: AsyncSession, alert: Alert, reply: str) -> None:
        payload = {"alert": alert.id, "reply": reply, "at": self._clock.now().isoformat()}
        await self._outbox.add(session, Kind.ALERT_REPLY, alert_key(alert.id), payload)
