"""Samples: every check kept raw for a while, and folded at once into hour and day rollups.

A sample speaks for its monitor from `at` until `until` (when the next check was due). Its
seconds go to the rollups as it is recorded, split at hour and day boundaries: maintenance time
(a `/alerts maintenance` mute or a configured window) as `maintenance_s`, the rest in the
sample's state. When the next check comes early (the interval was shortened, a replica ran it
first) the earlier sample is cut short and the seconds it no longer speaks for are taken back,
so a period's figures do not depend on how often it was checked. When the next check comes a
little late (within half the interval) the earlier sample is stretched to meet it: a check
that starts a second late is not a gap. Anything longer is a gap: no data, never downtime.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Plan
from bot.monitoring.observation import Observation
from bot.monitoring.spans import (
    SIZES,
    STATE_FIELD,
    Span,
    maintenance,
    moment,
    overlap,
    pieces,
    seconds,
)
from bot.store import MonitorRollup, MonitorSample, RollupPeriod, SampleState

# (period, bucket start) -> column -> amount to add
Deltas = dict[tuple[RollupPeriod, int], dict[str, float]]


def _credit(deltas: Deltas, state: SampleState, start: int, end: int, windows: list[Span]) -> None:
    """Add (or, with start > end, take back) the seconds of [start, end) in `state`."""
    sign, (start, end) = (1, (start, end)) if start <= end else (-1, (end, start))
    for period, size in SIZES.items():
        for bucket, a, b in pieces(start, end, size):
            kept = overlap(windows, a, b)
            row = deltas.setdefault((period, bucket), defaultdict(float))
            row["maintenance_s"] += sign * kept
            row[STATE_FIELD[state]] += sign * (b - a - kept)


def _count(deltas: Deltas, obs: Observation) -> None:
    """The check itself, in the hour and day it ran."""
    at = seconds(obs.at)
    for period, size in SIZES.items():
        row = deltas.setdefault((period, at - at % size), defaultdict(float))
        row["checks"] += 1
        row["failed_checks"] += obs.state is SampleState.DOWN
        if obs.response_ms is not None:
            row["response_ms_sum"] += obs.response_ms
            row["response_count"] += 1
        if obs.value is not None:
            row["value_sum"] += obs.value
            row["value_count"] += 1


async def _add(session: AsyncSession, monitor: str, deltas: Deltas) -> None:
    """Add the deltas to the rollup rows, creating them as needed (one statement per row)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = MonitorRollup.__table__
    assert isinstance(table, Table)
    for (period, bucket), changes in deltas.items():
        values = {
            name: int(v) if name.endswith(("_s", "checks", "count")) else v
            for name, v in changes.items()
            if v
        }
        if not values:
            continue
        statement = insert(table).values(
            monitor=monitor, period=period, start=moment(bucket), **values
        )
        statement = statement.on_conflict_do_update(
            index_elements=["monitor", "period", "start"],
            set_={name: table.c[name] + statement.excluded[name] for name in values},
        )
        await session.execute(statement)


async def record(session: AsyncSession, obs: Observation, plan: Plan | None = None) -> None:
    """Keep one check of one monitor: insert its sample and fold it into the rollups.

    `plan` gives the configured maintenance windows (mutes are read from the database either
    way). The caller commits."""
    previous = await session.scalar(
        select(MonitorSample)
        .where(MonitorSample.monitor == obs.monitor, MonitorSample.at < obs.at)
        .order_by(MonitorSample.at.desc())
        .limit(1)
    )
    at, until = seconds(obs.at), max(seconds(obs.until), seconds(obs.at))
    start = min(at, seconds(previous.until)) if previous is not None else at
    windows = (await maintenance(session, [obs.monitor], moment(start), obs.until, plan))[
        obs.monitor
    ]
    deltas: Deltas = {}
    if previous is not None:
        ended = seconds(previous.until)
        interval = ended - seconds(previous.at)
        if ended > at or 0 < at - ended <= interval // 2:
            # Cut short (taken back) or stretched to meet this check.
            _credit(deltas, previous.state, ended, at, windows)
            previous.until = obs.at
    _credit(deltas, obs.state, at, until, windows)
    _count(deltas, obs)
    session.add(
        MonitorSample(
            monitor=obs.monitor,
            at=obs.at,
            until=obs.until,
            state=obs.state,
            response_ms=obs.response_ms,
            value=obs.value,
            summary=obs.result.summary[:200],
        )
    )
    await _add(session, obs.monitor, deltas)


async def prune(session: AsyncSession, plan: Plan, now: datetime) -> tuple[int, int]:
    """Delete raw samples past `monitoring.retention.raw` and rollups past `.aggregates`:
    how many of each went. The caller commits."""
    retention = plan.monitoring.retention
    samples = await session.execute(
        delete(MonitorSample).where(MonitorSample.until < now - retention.raw)
    )
    rollups = await session.execute(
        delete(MonitorRollup).where(MonitorRollup.start < now - retention.aggregates)
    )
    return _rowcount(samples), _rowcount(rollups)


async def apply_retention(
    sessions: async_sessionmaker[AsyncSession], plan: Plan, now: datetime
) -> dict[str, int]:
    """The retention job's work, in its own transaction: how many samples and rollups went."""
    async with sessions.begin() as session:
        samples, rollups = await prune(session, plan, now)
    return {"samples": samples, "rollups": rollups}


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
