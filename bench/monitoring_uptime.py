"""`bench.monitoring --part uptime`: the status page's reads on a year of samples.

Seeds 20 monitors checked every minute for a year, as the bot keeps them once retention has
run: hour and day rollups for the whole year, raw samples for the last `--raw-days` (7, the
default `retention.raw`). Each monitor has outages of 1-90 minutes at random times. Then times,
on the same engine: `uptime` for all 20 monitors over 90 days (the goal: under 50 ms on
SQLite), 7 days and 24 hours; `daily_bars` (90 days) and `response_series` (24 hours) for all
20, i.e. what one render of the status page reads. It checks the 90-day down seconds against
the outages seeded (exact but for the 90-day edge's partial hour, read pro rata)."""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.monitoring.uptime import daily_bars, response_series, uptime
from bot.store import (
    MonitorRollup,
    MonitorSample,
    RollupPeriod,
    SampleState,
    async_engine,
    session_factory,
)

NOW = datetime(2026, 11, 27, 21, 17, 30, tzinfo=UTC)
MINUTE, HOUR, DAY = 60, 3600, 86400
GOAL_S = 0.050
COLUMNS = (
    "up_s", "degraded_s", "down_s", "unknown_s", "maintenance_s", "checks", "failed_checks",
    "response_ms_sum", "response_count", "value_sum", "value_count",
)  # fmt: skip


def _outages(rng: random.Random, start: int, end: int) -> list[tuple[int, int]]:
    found = []
    for _ in range(rng.randint(20, 40)):
        at = start + rng.randrange((end - start) // MINUTE) * MINUTE
        found.append((at, min(end, at + rng.randint(1, 90) * MINUTE)))
    return found


def seed(url: str, monitors: int, raw_days: int) -> dict[str, list[tuple[int, int]]]:
    """A year of one-minute checks before NOW, written in bulk; each monitor's outages."""
    rng = random.Random(13)
    end = int(NOW.timestamp()) // MINUTE * MINUTE
    start = end - 365 * DAY
    raw_from = end - raw_days * DAY
    engine = sa.create_engine(url.replace("sqlite:///", "sqlite+pysqlite:///"))
    outages: dict[str, list[tuple[int, int]]] = {}
    with engine.begin() as connection:
        for n in range(monitors):
            name = f"monitor-{n:02d}"
            outages[name] = _outages(rng, start, end)
            down_minutes = {
                m for a, b in outages[name] for m in range(a, b, MINUTE) if start <= m < end
            }
            rollups: dict[tuple[RollupPeriod, int], dict[str, float]] = defaultdict(
                lambda: dict.fromkeys(COLUMNS, 0.0)
            )
            samples = []
            for minute in range(start, end, MINUTE):
                down = minute in down_minutes
                ms = None if down else 80 + (minute // MINUTE * 7919) % 120
                for period, size in ((RollupPeriod.HOUR, HOUR), (RollupPeriod.DAY, DAY)):
                    row = rollups[(period, minute - minute % size)]
                    row["down_s" if down else "up_s"] += MINUTE
                    row["checks"] += 1
                    row["failed_checks"] += down
                    if ms is not None:
                        row["response_ms_sum"] += ms
                        row["response_count"] += 1
                if minute >= raw_from:
                    samples.append(
                        {
                            "monitor": name,
                            "at": datetime.fromtimestamp(minute, UTC),
                            "until": datetime.fromtimestamp(minute + MINUTE, UTC),
                            "state": SampleState.DOWN if down else SampleState.UP,
                            "response_ms": ms,
                            "summary": "",
                        }
                    )
            connection.execute(sa.insert(MonitorSample), samples)
            connection.execute(
                sa.insert(MonitorRollup),
                [
                    {
                        "monitor": name,
                        "period": period,
                        "start": datetime.fromtimestamp(at, UTC),
                        **{k: v if k.endswith("_sum") else int(v) for k, v in row.items()},
                    }
                    for (period, at), row in rollups.items()
                ],
            )
    engine.dispose()
    return outages


def expected_down(outages: list[tuple[int, int]], since: datetime, until: datetime) -> int:
    a, b = int(since.timestamp()), int(until.timestamp())
    return sum(max(0, min(b, y) - max(a, x)) for x, y in _merged(outages))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


async def _timed(work: Callable[[], Awaitable[Any]], repeats: int) -> tuple[float, float, Any]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times), result


async def bench(
    label: str, url: str, outages: dict[str, list[tuple[int, int]]], repeats: int
) -> list[dict[str, Any]]:
    engine = async_engine(url)
    names = sorted(outages)
    rows: list[dict[str, Any]] = []
    try:
        async with session_factory(engine)() as session:
            await uptime(session, names, NOW - timedelta(days=1), NOW)  # warm the connection
            for days in (90, 7, 1):
                since = NOW - timedelta(days=days)
                p50, worst, figures = await _timed(
                    lambda since=since: uptime(session, names, since, NOW), repeats
                )
                off = max(
                    abs(figures[n].down_s - expected_down(outages[n], since, NOW)) for n in names
                )
                rows.append(
                    {
                        "database": label,
                        "read": f"uptime, {days} d, {len(names)} monitors",
                        "p50": p50,
                        "max": worst,
                        "off_s": off,
                    }
                )

            async def bars() -> list[Any]:
                return [await daily_bars(session, n, 90, now=NOW) for n in names]

            async def series() -> list[Any]:
                day = NOW - timedelta(days=1)
                return [await response_series(session, n, day, NOW, 48) for n in names]

            for read, work in (
                ("daily_bars, 90 d, each monitor", bars),
                ("response_series, 24 h, each monitor", series),
            ):
                p50, worst, _ = await _timed(work, repeats)
                rows.append(
                    {"database": label, "read": read, "p50": p50, "max": worst, "off_s": None}
                )
    finally:
        await engine.dispose()
    return rows
