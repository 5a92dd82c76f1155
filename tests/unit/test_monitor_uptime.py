"""Samples recorded into rollups and read back as uptime, on real SQLite and PostgreSQL.

Uptime is by time: a check's state holds until the next one was due. These tests record checks
the way the runner does and read the figures the status page and reports show."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checks import CheckResult
from bot.config import Plan
from bot.monitoring.observation import Observation
from bot.monitoring.samples import prune, record
from bot.monitoring.uptime import DayLevel, daily_bars, response_series, uptime
from bot.store import (
    MonitorMute,
    MonitorRollup,
    MonitorSample,
    MuteKind,
    SampleState,
    async_engine,
    session_factory,
)

T0 = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # a Monday, midnight UTC
UP, DOWN = SampleState.UP, SampleState.DOWN


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = async_engine(database_url)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


async def run(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    every: timedelta,
    state: SampleState = UP,
    *,
    monitor: str = "web",
    ms: float = 100,
    plan: Plan | None = None,
) -> None:
    """Checks every `every` from start until end, each speaking until the next is due."""
    at = start
    while at < end:
        result = CheckResult("ok", "200", 1, {"response_ms": ms, "status_code": 200})
        await record(session, Observation(monitor, at, at + every, state, result), plan)
        at += every
    await session.commit()


async def test_uptime_is_by_time_and_the_interval_does_not_change_it(session):
    minute, day = timedelta(minutes=1), timedelta(days=1)
    # A day: checked every 5 minutes, then every minute (down for 30 minutes), every 10 s for an
    # hour and every 5 minutes again. (Each check is recorded as the runner records it, a few
    # statements each: a day of 10 s checks would be most of the suite's time.)
    down, fast = T0 + timedelta(hours=20), T0 + timedelta(hours=20, minutes=30)
    slow = fast + timedelta(hours=1)
    await run(session, T0, down, minute * 5)
    await run(session, down, fast, minute, DOWN)
    await run(session, fast, slow, minute / 6)
    await run(session, slow, T0 + day, minute * 5)

    figures = (await uptime(session, ["web"], T0, T0 + day))["web"]
    assert figures.down_s == 30 * 60
    assert figures.observed_s == 86400
    assert figures.percent == pytest.approx(100 * (1 - 1800 / 86400))
    assert figures.coverage == 100
    assert figures.avg_response_ms == 100
    assert figures.checks == 20 * 12 + 30 + 60 * 6 + (2 * 60 + 30) // 5

    # An interval shortened mid-check (the next check came early) is cut, not counted twice,
    # and the edges (partial hours) come from raw samples: a 90-minute window inside the down.
    await run(session, T0 + day, T0 + day + minute, minute * 10)
    await run(session, T0 + day + minute, T0 + 2 * day, minute * 10)
    day2 = (await uptime(session, ["web"], T0 + day, T0 + 2 * day))["web"]
    assert day2.observed_s == 86400 and day2.percent == 100
    assert day2.checks == 1 + 144
    edge = T0 + timedelta(hours=19, minutes=40, seconds=30)  # inside a check's 5 minutes
    window = (await uptime(session, ["web"], edge, edge + timedelta(minutes=90)))["web"]
    assert window.down_s == 30 * 60 and window.observed_s == 90 * 60


async def test_a_gap_is_coverage_not_downtime_and_maintenance_counts_neither_way(session):
    hour = timedelta(hours=1)
    plan = Plan.model_validate(
        {
            "monitors": [{"name": "web", "check": {"kind": "http", "url": "http://web.test/"}}],
            "monitoring": {
                "maintenance": [{"start": T0 + 4 * hour, "end": T0 + 5 * hour, "monitors": ["web"]}]
            },
        }
    )
    session.add(
        MonitorMute(
            monitor=None,
            kind=MuteKind.MAINTENANCE,
            starts_at=T0 + 6 * hour,
            ends_at=T0 + 7 * hour,
            by="U1",
            created_at=T0,
        )
    )
    await run(session, T0, T0 + 2 * hour, timedelta(minutes=1), plan=plan)
    # The bot was off from 02:00 to 03:00; down through both maintenance windows.
    await run(session, T0 + 3 * hour, T0 + 8 * hour, timedelta(minutes=1), DOWN, plan=plan)
    await run(session, T0 + 8 * hour, T0 + 12 * hour, timedelta(minutes=1), plan=plan)

    figures = await uptime(session, ["web", "api"], T0, T0 + 12 * hour)
    web = figures["web"]
    assert web.maintenance_s == 2 * 3600
    assert web.down_s == 3 * 3600  # 03:00-08:00 less the two maintenance hours
    assert web.observed_s == 9 * 3600
    assert web.coverage == pytest.approx(100 * 9 / 10)  # the hour off is missing data
    assert web.percent == pytest.approx(100 * 6 / 9)
    assert figures["api"].percent is None and figures["api"].coverage == 0

    bars = await daily_bars(session, "web", days=3, now=T0 + 12 * hour)
    assert [bar.level for bar in bars] == [DayLevel.NO_DATA, DayLevel.NO_DATA, DayLevel.DOWN]
    assert bars[-1].down_s == 3 * 3600 and bars[-1].maintenance_s == 2 * 3600


async def test_reads_use_rollups_once_raw_samples_are_pruned(session):
    day, every = timedelta(days=1), timedelta(minutes=15)
    await run(session, T0, T0 + 10 * day, every)
    await run(session, T0 + 10 * day, T0 + 10 * day + every, every, DOWN)
    await run(session, T0 + 10 * day + every, T0 + 12 * day, every)
    since = T0 + timedelta(hours=1, minutes=30)
    before = (await uptime(session, ["web"], since, T0 + 12 * day))["web"]

    samples, rollups = await prune(session, Plan(), T0 + 12 * day)
    await session.commit()
    assert samples > 0 and rollups == 0
    oldest = await session.scalar(select(func.min(MonitorSample.at)))
    assert oldest >= T0 + 5 * day - every
    after = (await uptime(session, ["web"], since, T0 + 12 * day))["web"]
    assert after == before
    assert after.down_s == 15 * 60

    bars = await daily_bars(session, "web", days=12, now=T0 + 12 * day - timedelta(seconds=1))
    assert [bar.level for bar in bars].count(DayLevel.MAJOR) == 1
    assert bars[10].level is DayLevel.MAJOR and bars[0].level is DayLevel.UP

    await prune(session, Plan(), T0 + 500 * day)
    await session.commit()
    assert await session.scalar(select(func.count()).select_from(MonitorRollup)) == 0


async def test_the_response_series_averages_each_slice(session):
    await run(session, T0, T0 + timedelta(hours=1), timedelta(minutes=1), ms=100)
    await run(
        session, T0 + timedelta(hours=1), T0 + timedelta(hours=2), timedelta(minutes=1), ms=300
    )
    hourly = await response_series(session, "web", T0, T0 + timedelta(hours=4), points=4)
    assert [p.avg_ms for p in hourly] == [100, 300, None, None]
    # Under an hour a slice: raw samples; a check on a slice's first second is in that slice.
    fine = await response_series(session, "web", T0, T0 + timedelta(hours=4), points=8)
    assert [p.avg_ms for p in fine] == [100, 100, 300, 300, None, None, None, None]
    assert fine[2].start == T0 + timedelta(hours=1)
    coarse = await response_series(session, "web", T0, T0 + timedelta(days=2), points=2)
    assert [p.avg_ms for p in coarse] == [200, None]
