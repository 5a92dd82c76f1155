"""The monitor runner: every few seconds, check the monitors that are due and act on what
they found.

A monitor is claimed by moving its `next_due` forward in one conditional UPDATE, so across
replicas (and a restart) each check runs once. Checks run concurrently, a few at a time, each
bounded; a probe that could not run is an unknown sample, never a down one. Each observation is
stored, folded into the monitor's status and read by the rules, a pass's observations in one
transaction (each table read or written once for all of them; should that fail, each on its
own); an alert that wants an incident then declares it through the incidents service, once
(its source key).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.checks import DEFAULT_TIMEOUT, CheckResult, run_check
from bot.checks.database import CheckEngines
from bot.clock import Clock
from bot.config import MonitorConfig, Plan
from bot.config.monitors import BUSINESS_MEASURES
from bot.incidents import Declaration, IncidentService
from bot.monitoring.alerts import AlertBook
from bot.monitoring.declaring import Wanted, wanted_incident
from bot.monitoring.history import last_week
from bot.monitoring.mutes import muted_monitors
from bot.monitoring.observation import Observation
from bot.monitoring.rules import Limits, Rule, observed_state, read
from bot.monitoring.samples import record_many
from bot.oncall.calendar import Calendar
from bot.slack import BOT_ACTOR, Outbox
from bot.store import Alert, AlertState, MonitorStatus, SampleState

log = logging.getLogger(__name__)

MAX_RUNNING = 10
# Beyond the check's own bound: a probe that overran it is the bot's trouble (unknown).
GRACE = 2.0


class MonitorRunner:
    """Runs due monitors and evaluates their rules."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        plan: Plan,
        clock: Clock,
        outbox: Outbox,
        incidents: IncidentService,
        *,
        database_url: str | None = None,
        engine: AsyncEngine | None = None,
        max_running: int = MAX_RUNNING,
    ) -> None:
        self._sessions = sessions
        self._plan = plan
        self._clock = clock
        self._outbox = outbox
        self._incidents = incidents
        self._database_url = database_url
        self._engines = CheckEngines(database_url, engine)
        self._slots = asyncio.Semaphore(max_running)
        self._calendar = Calendar(plan)
        self._known: set[str] = set()
        self.book = AlertBook(outbox, clock, channel=plan.channel_id(plan.monitoring.channel))

    async def close(self) -> None:
        """Close the connections database probes opened."""
        await self._engines.dispose()

    async def run_due(self) -> list[str]:
        """One pass: every monitor that is due is checked once; returns their names."""
        if not self._plan.monitors:
            return []
        now = self._clock.now()
        await self._register(now)
        claimed = await self._claim(now)
        observations = await asyncio.gather(
            *(self._observe(monitor, now, until) for monitor, until in claimed)
        )
        pairs = list(zip((m for m, _ in claimed), observations, strict=True))
        try:
            wanted = await self._fold(pairs)
        except Exception:
            # One monitor's trouble must not lose the others' checks: each on its own.
            log.exception("monitor pass: its checks could not be recorded together")
            wanted = []
            for monitor, obs in pairs:
                try:
                    wanted += await self._fold([(monitor, obs)])
                except Exception:
                    log.exception("monitor %s: its check could not be recorded", monitor.name)
        for want in wanted:
            try:
                await self._declare(want)
            except Exception:
                log.exception("alert %s: its incident could not be declared", want.alert_id)
        return [m.name for m, _ in claimed]

    async def _register(self, now: datetime) -> None:
        """A status row per configured monitor (due now), made once whoever comes first."""
        missing = {m.name for m in self._plan.monitors} - self._known
        if not missing:
            return
        async with self._sessions.begin() as session:
            have = set(await session.scalars(select(MonitorStatus.monitor)))
            for name in sorted(missing - have):
                try:
                    async with session.begin_nested():
                        session.add(
                            MonitorStatus(
                                monitor=name, state=SampleState.UNKNOWN, since=now, next_due=now
                            )
                        )
                except IntegrityError:
                    pass  # another replica registered it
        self._known |= missing

    async def _claim(self, now: datetime) -> list[tuple[MonitorConfig, datetime]]:
        """The due monitors this process takes, each with when its next check is due."""
        claimed = []
        async with self._sessions.begin() as session:
            due = dict(
                (
                    await session.execute(
                        select(MonitorStatus.monitor, MonitorStatus.next_due).where(
                            MonitorStatus.next_due <= now
                        )
                    )
                ).all()
            )
            for monitor in self._plan.monitors:
                if monitor.name not in due:
                    continue
                # On schedule from the slot it was due at, unless that slot is long gone.
                after = due[monitor.name] + monitor.every
                until = after if after > now else now + monitor.every
                taken = await session.execute(
                    update(MonitorStatus)
                    .where(MonitorStatus.monitor == monitor.name, MonitorStatus.next_due <= now)
                    .values(next_due=until)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append((monitor, until))
        return claimed

    async def _observe(self, monitor: MonitorConfig, at: datetime, until: datetime) -> Observation:
        check = monitor.check.root
        timeout = getattr(check, "timeout", None) or min(
            DEFAULT_TIMEOUT, monitor.every.total_seconds()
        )
        async with self._slots:
            try:
                result = await asyncio.wait_for(
                    run_check(
                        check,
                        database_url=self._database_url,
                        timeout=timeout,
                        clock=self._clock,
                        engines=self._engines,
                    ),
                    timeout + GRACE,
                )
            except TimeoutError:
                result = CheckResult("unknown", f"probe did not finish within {timeout:g} s", 0)
        if (
            check.kind == "http"
            and "response_ms" not in result.values
            and result.status
            in {
                "ok",
                "warn",
            }
        ):
            # Until every check reports what it measured, the check's own time stands in.
            result = replace(result, values={**result.values, "response_ms": result.took_ms})
        state = observed_state(check.kind, result.status, result.values)
        return Observation(monitor.name, at, until, state, result)

    async def _fold(self, pairs: list[tuple[MonitorConfig, Observation]]) -> list[Wanted]:
        """Store a pass's observations, update the statuses, apply the rules — one
        transaction, each read once for the whole pass; the incidents alerts want declared."""
        if not pairs:
            return []
        names = [m.name for m, _ in pairs]
        at = pairs[0][1].at
        wanted = []
        async with self._outbox.transaction(self._sessions) as session:
            await record_many(session, [obs for _, obs in pairs], self._plan)
            statuses = {
                s.monitor: s
                for s in await session.scalars(
                    select(MonitorStatus)
                    .where(MonitorStatus.monitor.in_(names))
                    .with_for_update()
                    .execution_options(populate_existing=True)
                )
            }
            muted = await muted_monitors(session, self._plan, names, at)
            open_alerts = await self.book.open_alerts_of(session, names)
            for monitor, obs in pairs:
                status = statuses.get(monitor.name)
                if status is None:
                    continue
                want = await self._evaluate(
                    session,
                    monitor,
                    obs,
                    status,
                    muted=monitor.name in muted,
                    open_now=open_alerts[monitor.name],
                )
                if want is not None:
                    wanted.append(want)
        return wanted

    async def _evaluate(
        self,
        session: AsyncSession,
        monitor: MonitorConfig,
        obs: Observation,
        status: MonitorStatus,
        *,
        muted: bool,
        open_now: dict[Rule, Alert],
    ) -> Wanted | None:
        """Fold one observation into its monitor's status and alerts."""
        limits = Limits.of(monitor, self._plan.monitoring)
        _fold_status(status, obs)
        down = open_now.get(Rule.DOWN)
        before = None
        if monitor.measures in BUSINESS_MEASURES:
            before = await last_week(session, monitor.name, obs.at, monitor.every)
        readings = read(
            obs,
            monitor,
            limits,
            failed_in_row=status.failed_in_row,
            down_firing=down is not None and down.state is AlertState.FIRING,
            last_week=before,
        )
        for reading in readings:
            await self.book.apply(
                session, monitor.name, reading, limits, muted=muted, open_now=open_now
            )
        return wanted_incident(
            {rule: a for rule, a in open_now.items() if a.open_key is not None},
            monitor.name,
            limits,
            self._plan.monitoring,
            business_hours=self._calendar.is_business_hours(obs.at),
        )

    async def _declare(self, wanted: Wanted) -> None:
        declared = await self._incidents.declare(
            Declaration(
                text=wanted.title,
                reporter=BOT_ACTOR,
                description=wanted.description,
                tier=wanted.tier,
                category=wanted.category,
                source_key=wanted.source_key,
            )
        )
        async with self._outbox.transaction(self._sessions) as session:
            await self.book.link(session, wanted.alert_id, declared.incident.id)


def _fold_status(status: MonitorStatus, obs: Observation) -> None:
    if obs.state is SampleState.DOWN:
        status.failed_in_row, status.good_in_row = status.failed_in_row + 1, 0
    elif obs.state is not SampleState.UNKNOWN:
        status.failed_in_row, status.good_in_row = 0, status.good_in_row + 1
    if obs.state is not status.state:
        status.state, status.since = obs.state, obs.at
    status.checked_at = obs.at
    status.response_ms, status.value = obs.response_ms, obs.value
    status.summary = obs.result.summary[:200]
