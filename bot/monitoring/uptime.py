"""Reading the samples back: uptime by time, daily bars, a response-time series.

Whole days come from the day rollups and whole hours from the hour rollups; only the partial
hours at either edge of a period are read from raw samples (or, once those are pruned, from
their hour's rollup pro rata). A 90-day figure for every monitor is one grouped query over a few
thousand rows, not a scan of a million samples.

Figures are by time, not by count of checks:
- observed = up + degraded + down seconds (unknown is the probe failing: not observed);
- percent = (observed - down) / observed, None when nothing was observed;
- coverage = observed / (period - maintenance): a gap (no sample) lowers coverage, never
  uptime; maintenance counts neither way.

Signatures (as the monitoring brief gave them, with keyword extras):
- `uptime(session, monitors, since, until, *, plan=None) -> dict[str, Uptime]`
- `daily_bars(session, monitor, days=90, zone=UTC, *, now=None) -> list[DayBar]`
- `response_series(session, monitor, since, until, points=48) -> list[SeriesPoint]`
`plan` adds the configured maintenance windows to the edges' raw reads (the rollups already
hold them); without it only `/alerts maintenance` mutes are read there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Plan
from bot.monitoring.bars import DayBar, DayLevel, SeriesPoint, daily_bars, response_series
from bot.monitoring.spans import (
    DAY,
    HOUR,
    STATE_FIELD,
    Span,
    ceil_to,
    floor_to,
    maintenance,
    moment,
    overlap,
    seconds,
)
from bot.store import MonitorRollup, MonitorSample, RollupPeriod, SampleState

_COLUMNS = (
    "up_s",
    "degraded_s",
    "down_s",
    "unknown_s",
    "maintenance_s",
    "checks",
    "failed_checks",
    "response_ms_sum",
    "response_count",
)
Sums = dict[str, float]

__all__ = [
    "DayBar",
    "DayLevel",
    "SeriesPoint",
    "Uptime",
    "daily_bars",
    "response_series",
    "uptime",
]


@dataclass(frozen=True)
class Uptime:
    """One monitor over one period, by time."""

    period_s: int
    up_s: int
    degraded_s: int
    down_s: int
    unknown_s: int
    maintenance_s: int
    checks: int
    failed_checks: int
    avg_response_ms: float | None

    @property
    def observed_s(self) -> int:
        return self.up_s + self.degraded_s + self.down_s

    @property
    def percent(self) -> float | None:
        """Time up (or degraded) of the time observed; None with no data."""
        observed = self.observed_s
        return None if observed <= 0 else 100 * (observed - self.down_s) / observed

    @property
    def coverage(self) -> float | None:
        """Time observed of the period outside maintenance; None when all of it was."""
        expected = self.period_s - self.maintenance_s
        return None if expected <= 0 else min(100.0, 100 * self.observed_s / expected)

    @property
    def error_rate(self) -> float | None:
        """Failed checks (down) of all checks, in %; None with no checks."""
        return None if not self.checks else 100 * self.failed_checks / self.checks


def _uptime(period_s: int, sums: Sums) -> Uptime:
    count = sums["response_count"]
    return Uptime(
        period_s=period_s,
        **{name: round(sums[name]) for name in _COLUMNS[:7]},
        avg_response_ms=sums["response_ms_sum"] / count if count else None,
    )


def _sum_columns() -> list[ColumnElement[float]]:
    return [func.coalesce(func.sum(getattr(MonitorRollup, name)), 0) for name in _COLUMNS]


def _in(period: RollupPeriod, spans: Sequence[Span]) -> list[ColumnElement[bool]]:
    return [
        and_(
            MonitorRollup.period == period,
            MonitorRollup.start >= moment(a),
            MonitorRollup.start < moment(b),
        )
        for a, b in spans
        if a < b
    ]


def _layout(a: int, b: int) -> tuple[list[Span], list[Span], list[Span]]:
    """[a, b) as partial-hour edges, whole hours and whole days."""
    h0, h1 = ceil_to(a, HOUR), floor_to(b, HOUR)
    if h0 >= h1:
        return [(a, b)], [], []
    edges = [(a, h0), (h1, b)]
    d0, d1 = ceil_to(h0, DAY), floor_to(h1, DAY)
    if d0 >= d1:
        return edges, [(h0, h1)], []
    return edges, [(h0, d0), (d1, h1)], [(d0, d1)]


async def uptime(
    session: AsyncSession,
    monitors: Sequence[str],
    since: datetime,
    until: datetime,
    *,
    plan: Plan | None = None,
) -> dict[str, Uptime]:
    """Each monitor's figures over [since, until)."""
    a, b = seconds(since), seconds(until)
    sums: dict[str, Sums] = {name: defaultdict(float) for name in monitors}
    if not monitors or a >= b:
        return {name: _uptime(max(0, b - a), sums[name]) for name in monitors}
    edges, hours, days = _layout(a, b)
    body = _in(RollupPeriod.HOUR, hours) + _in(RollupPeriod.DAY, days)
    if body:
        rows = await session.execute(
            select(MonitorRollup.monitor, *_sum_columns())
            .where(MonitorRollup.monitor.in_(list(monitors)), or_(*body))
            .group_by(MonitorRollup.monitor)
        )
        for row in rows:
            for name, value in zip(_COLUMNS, row[1:], strict=True):
                sums[row[0]][name] += float(value)
    await _edges(session, monitors, [(x, y) for x, y in edges if x < y], sums, plan)
    return {name: _uptime(b - a, sums[name]) for name in monitors}


async def _edges(
    session: AsyncSession,
    monitors: Sequence[str],
    edges: list[Span],
    sums: dict[str, Sums],
    plan: Plan | None,
) -> None:
    """Add the partial hours at the edges: from raw samples, or pro rata from their hour."""
    if not edges:
        return
    # Plain rows, not ORM objects: an edge hour of 20 monitors checked every 10 s is 7,200.
    samples = await session.execute(
        select(
            MonitorSample.monitor,
            MonitorSample.at,
            MonitorSample.until,
            MonitorSample.state,
            MonitorSample.response_ms,
        ).where(MonitorSample.id.in_(_edge_samples(monitors, edges)))
    )
    start, end = moment(edges[0][0]), moment(edges[-1][1])
    windows = await maintenance(session, monitors, start, end, plan)
    seen: set[tuple[str, Span]] = set()
    for sample in samples:
        at, until = seconds(sample.at), seconds(sample.until)
        for x, y in edges:
            lo, hi = max(x, at), min(y, until)
            if lo < hi or x <= at < y:
                seen.add((sample.monitor, (x, y)))
            row = sums[sample.monitor]
            if lo < hi:
                kept = overlap(windows[sample.monitor], lo, hi)
                row["maintenance_s"] += kept
                row[STATE_FIELD[sample.state]] += hi - lo - kept
            if x <= at < y:
                row["checks"] += 1
                row["failed_checks"] += sample.state is SampleState.DOWN
                if sample.response_ms is not None:
                    row["response_ms_sum"] += sample.response_ms
                    row["response_count"] += 1
    missing = [(m, e) for m in monitors for e in edges if (m, e) not in seen]
    if missing:
        await _pro_rata(session, missing, sums)


def _edge_samples(monitors: Sequence[str], edges: list[Span]) -> CompoundSelect[Any]:
    """The ids of the samples speaking for some of each edge: those taken in it, and each
    monitor's last one before it (found by index, newest first, not by scanning for `until`)."""
    parts: list[Select[Any]] = []
    for x, y in edges:
        parts.append(
            select(MonitorSample.id).where(
                MonitorSample.monitor.in_(list(monitors)),
                MonitorSample.at >= moment(x),
                MonitorSample.at < moment(y),
            )
        )
        for monitor in monitors:
            before = (
                select(MonitorSample.id)
                .where(MonitorSample.monitor == monitor, MonitorSample.at < moment(x))
                .order_by(MonitorSample.at.desc())
                .limit(1)
                .subquery()
            )
            parts.append(select(before.c.id))
    return union_all(*parts)


async def _pro_rata(
    session: AsyncSession, missing: list[tuple[str, Span]], sums: dict[str, Sums]
) -> None:
    """Edges with no raw sample left: their share of their hour's rollup."""
    hours = {floor_to(x, HOUR) for _, (x, _) in missing}
    rows = await session.scalars(
        select(MonitorRollup).where(
            MonitorRollup.period == RollupPeriod.HOUR,
            MonitorRollup.monitor.in_({m for m, _ in missing}),
            MonitorRollup.start.in_([moment(h) for h in hours]),
        )
    )
    by_key = {(row.monitor, seconds(row.start)): row for row in rows}
    for monitor, (x, y) in missing:
        row = by_key.get((monitor, floor_to(x, HOUR)))
        if row is not None:
            share = (y - x) / HOUR
            for name in _COLUMNS:
                sums[monitor][name] += share * float(getattr(row, name))
