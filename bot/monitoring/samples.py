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
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select
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

# (monitor, period, bucket start) -> column -> amount to add
Deltas = dict[tuple[str, RollupPeriod, int], dict[str, float]]

# Every column a delta can touch: a pass's rows are written in one statement, so each row
# names them all (a zero adds nothing).
COLUMNS = (
    *STATE_FIELD.values(),
    "maintenance_s",
    "checks",
    "failed_checks",
    "response_ms_sum",
    "response_count",
    "value_sum",
    "value_count",
)
FLOATS = frozenset({"response_ms_sum", "value_sum"})


def _credit(
    deltas: Deltas, monitor: str, state: SampleState, start: int, end: int, *, windows: list[Span]
) -> None:
    """Add (or, with start > end, take back) the seconds of [start, end) in `state`."""
    sign, (start, end) = (1, (start, end)) if start <= end else (-1, (end, start))
    for period, size in SIZES.items():
        for bucket, a, b in pieces(start, end, size):
            kept = overlap(windows, a, b)
            row = deltas.setdefault((monitor, period, bucket), defaultdict(float))
            row["maintenance_s"] += sign * kept
            row[STATE_FIELD[state]] += sign * (b - a - kept)


def _count(deltas: Deltas, obs: Observation) -> None:
    """The check itself, in the hour and day it ran."""
    at = seconds(obs.at)
    for period, size in SIZES.items():
        row = deltas.setdefault((obs.monitor, period, at - at % size), defaultdict(float))
        row["checks"] += 1
        row["failed_checks"] += obs.state is SampleState.DOWN
        if obs.response_ms is not None:
            row["response_ms_sum"] += obs.response_ms
            row["response_count"] += 1
        if obs.value is not None:
            row["value_sum"] += obs.value
            row["value_count"] += 1


def _upsert(dialect: str) -> Any:
    """Add a row's amounts to its rollup row, creating it as needed: one statement, built
    once per database, run for all of a pass's rows as one executemany."""
    table = MonitorRollup.__table__
    assert isinstance(table, Table)
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=["monitor", "period", "start"],
        set_={name: table.c[name] + statement.excluded[name] for name in COLUMNS},
    )


_UPSERTS = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}


async def _add(session: AsyncSession, deltas: Deltas) -> None:
    """Add the deltas to the rollup rows, creating them as needed."""
    rows = [
        {
            "monitor": monitor,
            "period": period,
            "start": moment(bucket),
            **{
                name: changes.get(name, 0.0) if name in FLOATS else int(changes.get(name, 0))
                for name in COLUMNS
            },
        }
        for (monitor, period, bucket), changes in deltas.items()
        if any(changes.values())
    ]
    if rows:
        await session.execute(_UPSERTS[session.get_bind().dialect.name], rows)


def _previous_query() -> Any:
    """Each of some monitors' latest sample before a time; built once (a runner pass asks it
    every time, and building it cost about what running it does)."""
    latest = (
        select(MonitorSample.monitor, func.max(MonitorSample.at).label("at"))
        .where(
            MonitorSample.monitor.in_(bindparam("monitors", expanding=True)),
            MonitorSample.at < bindparam("at", type_=MonitorSample.__table__.c.at.type),
        )
        .group_by(MonitorSample.monitor)
        .subquery()
    )
    return select(MonitorSample).join(
        latest, (MonitorSample.monitor == latest.c.monitor) & (MonitorSample.at == latest.c.at)
    )


_PREVIOUS = _previous_query()


async def _previous(
    session: AsyncSession, observations: Sequence[Observation]
) -> dict[str, MonitorSample]:
    """Each observed monitor's latest sample before its observation, in one query (the
    observations share one time, as a runner pass's do)."""
    rows = await session.scalars(
        _PREVIOUS, {"monitors": [o.monitor for o in observations], "at": observations[0].at}
    )
    return {row.monitor: row for row in rows}


async def record(session: AsyncSession, obs: Observation, plan: Plan | None = None) -> None:
    """Keep one check of one monitor: insert its sample and fold it into the rollups.

    `plan` gives the configured maintenance windows (mutes are read from the database either
    way). The caller commits."""
    await record_many(session, [obs], plan)


async def record_many(
    session: AsyncSession, observations: Sequence[Observation], plan: Plan | None = None
) -> None:
    """Keep a runner pass's checks: a few statements for all of them rather than a few each.
    Observations of one monitor, or at different times, are kept one group at a time."""
    groups: list[list[Observation]] = []
    for obs in observations:
        group = groups[-1] if groups else None
        if group and obs.at == group[0].at and all(o.monitor != obs.monitor for o in group):
            group.append(obs)
        else:
            groups.append([obs])
    for group in groups:
        await _record_group(session, group, plan)


async def _record_group(
    session: AsyncSession, observations: list[Observation], plan: Plan | None
) -> None:
    previous = await _previous(session, observations)
    spans = {}
    for obs in observations:
        at, until = seconds(obs.at), max(seconds(obs.until), seconds(obs.at))
        before = previous.get(obs.monitor)
        spans[obs.monitor] = (min(at, seconds(before.until)) if before else at), at, until
    windows = await maintenance(
        session,
        [o.monitor for o in observations],
        moment(min(start for start, _, _ in spans.values())),
        max(o.until for o in observations),
        plan,
    )
    deltas: Deltas = {}
    rows: list[dict[str, object]] = []
    for obs in observations:
        _, at, until = spans[obs.monitor]
        kept = windows[obs.monitor]
        before = previous.get(obs.monitor)
        if before is not None:
            ended = seconds(before.until)
            interval = ended - seconds(before.at)
            if ended > at or 0 < at - ended <= interval // 2:
                # Cut short (taken back) or stretched to meet this check.
                _credit(deltas, obs.monitor, before.state, ended, at, windows=kept)
                before.until = obs.at
        _credit(deltas, obs.monitor, obs.state, at, until, windows=kept)
        _count(deltas, obs)
        rows.append(
            {
                "monitor": obs.monitor,
                "at": obs.at,
                "until": obs.until,
                "state": obs.state,
                "response_ms": obs.response_ms,
                "value": obs.value,
                "summary": obs.result.summary[:200],
            }
        )
    # Nobody reads them back in this transaction: one executemany, not an ORM insert each.
    await session.execute(insert(MonitorSample), rows)
    await _add(session, deltas)


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
