"""A business metric's figure for the same period last week, to compare today's with."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import MonitorRollup, MonitorSample, RollupPeriod

WEEK = timedelta(days=7)


async def last_week(
    session: AsyncSession, monitor: str, at: datetime, every: timedelta
) -> float | None:
    """The value read a week before `at` (within half an interval), else that day's average
    from the daily rollup (raw samples are kept only so long); None with no data."""
    then = at - WEEK
    value = await session.scalar(
        select(MonitorSample.value)
        .where(
            MonitorSample.monitor == monitor,
            MonitorSample.value.is_not(None),
            MonitorSample.at >= then - every / 2,
            MonitorSample.at <= then + every / 2,
        )
        .order_by(MonitorSample.at.desc())
        .limit(1)
    )
    if value is not None:
        return float(value)
    day = await session.scalar(
        select(MonitorRollup)
        .where(
            MonitorRollup.monitor == monitor,
            MonitorRollup.period == RollupPeriod.DAY,
            MonitorRollup.start <= then,
            MonitorRollup.start > then - timedelta(days=1),
            MonitorRollup.value_count > 0,
        )
        .limit(1)
    )
    return day.value_sum / day.value_count if day is not None else None
