"""Monitoring rows written straight into a test database: the state the runner would leave."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.checks import CheckResult
from bot.config import Plan
from bot.monitoring import Observation
from bot.monitoring.samples import record
from bot.store import (
    Alert,
    AlertState,
    MonitorStatus,
    SampleState,
    async_engine,
    session_factory,
)


def set_status(
    db: sa.Engine,
    monitor: str,
    state: SampleState,
    *,
    checked_at: datetime,
    since: datetime | None = None,
    response_ms: int | None = None,
    summary: str = "",
    next_due: datetime | None = None,
) -> None:
    """Put one monitor's current state in monitor_status (replacing any before); its next
    check is due a minute after checked_at unless next_due says when."""
    with db.begin() as conn:
        conn.execute(sa.delete(MonitorStatus).where(MonitorStatus.monitor == monitor))
        conn.execute(
            sa.insert(MonitorStatus).values(
                monitor=monitor,
                state=state,
                since=since or checked_at,
                checked_at=checked_at,
                next_due=next_due or checked_at + timedelta(minutes=1),
                failed_in_row=0 if state is SampleState.UP else 3,
                good_in_row=1 if state is SampleState.UP else 0,
                response_ms=response_ms,
                summary=summary,
            )
        )


def add_alert(
    db: sa.Engine,
    monitor: str,
    rule: str,
    *,
    fired_at: datetime,
    state: AlertState = AlertState.FIRING,
    summary: str = "",
    incident_id: int | None = None,
    acked_by: str | None = None,
) -> None:
    """One alert row as the rules would leave it."""
    with db.begin() as conn:
        conn.execute(
            sa.insert(Alert).values(
                monitor=monitor,
                rule=rule,
                open_key=None if state is AlertState.RESOLVED else f"{monitor}:{rule}",
                state=state,
                started_at=fired_at,
                fired_at=fired_at,
                resolved_at=fired_at + timedelta(minutes=5)
                if state is AlertState.RESOLVED
                else None,
                summary=summary,
                incident_id=incident_id,
                acked_by=acked_by,
                acked_at=fired_at if acked_by else None,
            )
        )


async def record_checks(
    database_url: str,
    monitor: str,
    start: datetime,
    end: datetime,
    every: timedelta,
    state: SampleState = SampleState.UP,
    *,
    ms: float | None = 100,
    ms_step: float = 0,
    plan: Plan | None = None,
) -> None:
    """Checks every `every` from start until end (each answering ms_step slower than the one
    before), stored the way the runner stores them: samples and their rollups, through
    bot.monitoring.samples.record."""
    engine = async_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            at = start
            while at < end:
                values = {} if ms is None else {"response_ms": ms}
                ms = None if ms is None else ms + ms_step
                result = CheckResult("ok" if state is SampleState.UP else "fail", "", 1, values)
                await record(session, Observation(monitor, at, at + every, state, result), plan)
                at += every
            await session.commit()
    finally:
        await engine.dispose()


def record_sync(database_url: str, *args: Any, **kwargs: Any) -> None:
    """record_checks from a test that is not async (in a thread of its own: Playwright's sync
    API keeps an event loop running in the test's)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, record_checks(database_url, *args, **kwargs)).result()
