"""Time as whole seconds since the epoch: hour and day buckets, and maintenance windows.

Samples and rollups count seconds as integers. Cutting every span at whole seconds means a span
credited to the rollups and later taken back (a newer check came early) splits into exactly the
same pieces, so the counts never drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Plan
from bot.store import MonitorMute, MuteKind, RollupPeriod, SampleState

HOUR = 3600
DAY = 86400
SIZES = {RollupPeriod.HOUR: HOUR, RollupPeriod.DAY: DAY}

Span = tuple[int, int]

# The rollup column a state's seconds go to.
STATE_FIELD = {
    SampleState.UP: "up_s",
    SampleState.DEGRADED: "degraded_s",
    SampleState.DOWN: "down_s",
    SampleState.UNKNOWN: "unknown_s",
}


def seconds(at: datetime) -> int:
    """Whole seconds since the epoch (rounded down)."""
    return int(at.timestamp() // 1)


def moment(second: int) -> datetime:
    return datetime.fromtimestamp(second, UTC)


def floor_to(second: int, size: int) -> int:
    return second - second % size


def ceil_to(second: int, size: int) -> int:
    return -(-second // size) * size


def pieces(start: int, end: int, size: int) -> Iterator[tuple[int, int, int]]:
    """[start, end) cut at every multiple of `size`: (bucket start, piece start, piece end)."""
    at = start
    while at < end:
        bucket = floor_to(at, size)
        stop = min(end, bucket + size)
        yield bucket, at, stop
        at = stop


def merged(spans: Iterable[Span]) -> list[Span]:
    """The spans as a sorted list with overlaps joined."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        elif start < end:
            out.append((start, end))
    return out


def overlap(spans: Sequence[Span], start: int, end: int) -> int:
    """Seconds of [start, end) inside `spans` (merged)."""
    return sum(max(0, min(end, b) - max(start, a)) for a, b in spans)


async def maintenance(
    session: AsyncSession,
    monitors: Sequence[str],
    start: datetime,
    end: datetime,
    plan: Plan | None = None,
) -> dict[str, list[Span]]:
    """Each monitor's maintenance between `start` and `end`: `/alerts maintenance` mutes (a
    NULL monitor is every monitor) and, given the plan, its `monitoring.maintenance` windows."""
    found: dict[str, list[Span]] = {name: [] for name in monitors}
    rows = await session.execute(
        select(MonitorMute.monitor, MonitorMute.starts_at, MonitorMute.ends_at).where(
            MonitorMute.kind == MuteKind.MAINTENANCE,
            MonitorMute.starts_at < end,
            MonitorMute.ends_at > start,
            or_(MonitorMute.monitor.is_(None), MonitorMute.monitor.in_(list(monitors))),
        )
    )
    windows: list[tuple[Sequence[str], datetime, datetime]] = [
        ([who] if who else list(monitors), a, b) for who, a, b in rows
    ]
    if plan is not None:
        windows += [
            (w.monitors or list(monitors), w.start, w.end)
            for w in plan.monitoring.maintenance
            if w.start < end and w.end > start
        ]
    for names, a, b in windows:
        for name in names:
            if name in found:
                found[name].append((seconds(a), seconds(b)))
    return {name: merged(spans) for name, spans in found.items()}
