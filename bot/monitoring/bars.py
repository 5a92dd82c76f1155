"""Per-day bars and a response-time series of one monitor, from its rollups (and, for short
slices, its raw samples). Imported through bot.monitoring.uptime."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.monitoring.spans import HOUR, floor_to, moment, seconds
from bot.store import MonitorRollup, MonitorSample, RollupPeriod


class DayLevel(StrEnum):
    """How a day's bar is coloured on the status page."""

    NO_DATA = "no-data"
    MAINTENANCE = "maintenance"
    UP = "up"
    MINOR = "minor"  # down under 15 minutes
    MAJOR = "major"  # down under an hour
    DOWN = "down"  # down an hour or more


@dataclass(frozen=True)
class DayBar:
    """One local day of one monitor."""

    day: date
    down_s: int
    observed_s: int
    maintenance_s: int

    @property
    def level(self) -> DayLevel:
        if self.observed_s <= 0:
            return DayLevel.MAINTENANCE if self.maintenance_s > 0 else DayLevel.NO_DATA
        if self.down_s <= 0:
            return DayLevel.MAINTENANCE if self.maintenance_s > 0 else DayLevel.UP
        if self.down_s < 15 * 60:
            return DayLevel.MINOR
        return DayLevel.MAJOR if self.down_s < HOUR else DayLevel.DOWN


async def daily_bars(
    session: AsyncSession,
    monitor: str,
    days: int = 90,
    zone: tzinfo = UTC,
    *,
    now: datetime | None = None,
) -> list[DayBar]:
    """The last `days` local days, oldest first, today (so far) last."""
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(today + timedelta(days=1), time(), zone)
    # UTC days are day rollups; any other zone's days are built from its hours.
    utc = start.utcoffset() == timedelta() and end.utcoffset() == timedelta()
    period = RollupPeriod.DAY if utc else RollupPeriod.HOUR
    rows = await session.execute(
        select(
            MonitorRollup.start,
            MonitorRollup.up_s + MonitorRollup.degraded_s + MonitorRollup.down_s,
            MonitorRollup.down_s,
            MonitorRollup.maintenance_s,
        ).where(
            MonitorRollup.monitor == monitor,
            MonitorRollup.period == period,
            MonitorRollup.start >= start,
            MonitorRollup.start < end,
        )
    )
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for at, observed, down, kept in rows:
        total = totals[at.astimezone(zone).date()]
        total[0] += down
        total[1] += observed
        total[2] += kept
    return [
        DayBar(day, *totals.get(day, (0, 0, 0)))
        for day in (first + timedelta(days=n) for n in range(days))
    ]


@dataclass(frozen=True)
class SeriesPoint:
    """The average response time over one slice of a period (None: no answer timed)."""

    start: datetime
    avg_ms: float | None


def _slice(dialect: str, at: Any, since: datetime, step: int) -> Any:
    """The number of the slice `at` falls in: whole `step`s since `since`."""
    if dialect == "postgresql":
        return func.floor(func.extract("epoch", at - since) / step)
    # SQLite keeps UTC as text; julianday reads it. The millisecond keeps a check taken on a
    # slice's first second in that slice despite floating point.
    naive = since.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    days = func.julianday(at) - func.julianday(literal(naive))
    return cast((days * 86400 + 0.001) / step, Integer)  # truncated: at >= since


async def response_series(
    session: AsyncSession, monitor: str, since: datetime, until: datetime, points: int = 48
) -> list[SeriesPoint]:
    """`points` equal slices of [since, until): hour rollups when a slice is an hour or
    more, raw samples otherwise."""
    a, b = seconds(since), seconds(until)
    points = max(1, points)
    step = max(1, -(-(b - a) // points))
    # Columns of either table (or a constant): typed loosely, as SQLAlchemy's unions do not meet.
    at: Any
    total: Any
    count: Any
    if step >= HOUR:
        at, total, count = (
            MonitorRollup.start,
            MonitorRollup.response_ms_sum,
            MonitorRollup.response_count,
        )
        where = [
            MonitorRollup.monitor == monitor,
            MonitorRollup.period == RollupPeriod.HOUR,
            MonitorRollup.start >= moment(floor_to(a, HOUR)),
        ]
    else:
        at, total, count = MonitorSample.at, MonitorSample.response_ms, literal(1)
        where = [MonitorSample.monitor == monitor, MonitorSample.at >= since]
    # Sliced and summed by the database: a day of 10-second checks is 8,640 rows.
    index = _slice(session.get_bind().dialect.name, at, since, step)
    rows = await session.execute(
        select(index, func.sum(total), func.sum(count))
        .where(*where, at < until, total.is_not(None))
        .group_by(index)
    )
    sums = {min(points - 1, int(n)): (float(t), float(c)) for n, t, c in rows if c}
    return [
        SeriesPoint(moment(a + n * step), sums[n][0] / sums[n][1] if n in sums else None)
        for n in range(points)
    ]
