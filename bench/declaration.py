"""What a Tier 1 declaration's own transaction costs: `IncidentService.declare` alone.

No request, no Slack, no outbox worker: the app's services (the seed plan, a clock in business
hours of the launch fortnight, so levels 1 and 2 are paged) declare --declarations incidents one
after another after a warm-up, as `/incident checkout is broken for everyone …` does once acked
(look-alike check included), on SQLite and on a throwaway PostgreSQL. Reported per declaration:
CPU time (this process; on SQLite the database's work too) and the part of it in the kernel,
SQL statements, and the share of the CPU spent inside the ORM's flushes (from before_flush to
after_flush_postexec); and, as a floor, the CPU of the same statements sent again as the driver
got them, in one transaction on a Core connection (rolled back). Set beside
`bench.paging --part dm`'s CPU per declaration, it says how much of a declaration's cost is
its own transaction and how much the deliveries that follow.

    PYTHONPATH=. .venv/bin/python -m bench.declaration [--declarations 300]
        [--databases sqlite,postgresql] [--learned 0]

--learned N first keeps N corrections the classifier learned (a team's retiers, one every
three hours before the clock's start), each on an incident of its own declared the day before.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from bench.databases import throwaway_database
from bench.paging import REPORTER, TIER1_TEXT
from bench.paging_bot import WEDNESDAY_MORNING, check_pages_now
from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.incidents import Declaration
from bot.services import build_services
from bot.store import ClassifierExample, upgrade

WARM_UP = 30
# On call at level 1 in the seed plan: a responder, whose retiers the classifier learns from.
RESPONDER = "U0SUP1"
# The words of the kept corrections' reports.
WORDS = (
    "loyalty points missing",
    "invoice pdf blank",
    "search results slow",
    "profile photo upload fails",
    "coupon code rejected",
    "export to csv times out",
)


@contextmanager
def flush_cpu() -> Iterator[list[float]]:
    """CPU seconds spent inside ORM flushes while the block runs."""
    spent = [0.0]
    began: list[float] = []

    def before(*_: Any) -> None:
        began.append(time.process_time())

    def after(*_: Any) -> None:
        spent[0] += time.process_time() - began.pop()

    # First of the before_flush hooks: bot/store/bulk.py's (rows it inserts itself) counts.
    event.listen(Session, "before_flush", before, insert=True)
    event.listen(Session, "after_flush_postexec", after)
    try:
        yield spent
    finally:
        event.remove(Session, "before_flush", before)
        event.remove(Session, "after_flush_postexec", after)


async def keep_learned(settings: Settings, plan: Plan, count: int) -> None:
    """count corrections, each a responder's retier (as `/incident tier` makes them) of an
    incident declared the day before (outside the look-alike check's half hour), three hours
    apart."""
    if not count:
        return
    clock = FixedClock(WEDNESDAY_MORNING - timedelta(days=1))
    services = build_services(settings, plan, clock)
    try:
        for n in range(count):
            clock.at = WEDNESDAY_MORNING - timedelta(days=1)
            tier = 1 + n % 4  # the corrections' tiers; each declared with another
            text = f"{WORDS[n % len(WORDS)]} report {n}"
            declared = await services.incidents.declare(
                Declaration(text, REPORTER, tier=3 if tier == 4 else 4)
            )
            clock.at = WEDNESDAY_MORNING - timedelta(hours=3 * (count - n))
            await services.incidents.change_tier(declared.incident.id, tier, by=RESPONDER)
        async with services.sessions() as session:
            kept = await session.scalar(select(func.count()).select_from(ClassifierExample))
        if kept != count:
            raise SystemExit(f"{kept} corrections were learned, not {count}")
    finally:
        await services.engine.dispose()


async def measure(database_url: str, declarations: int, learned: int = 0) -> dict[str, float]:
    upgrade(database_url)
    plan = Plan()
    check_pages_now(plan, WEDNESDAY_MORNING)
    settings = Settings.from_env({"DATABASE_URL": database_url})
    await keep_learned(settings, plan, learned)
    services = build_services(settings, plan, FixedClock(WEDNESDAY_MORNING))
    sent = [0]

    def count(*_: Any) -> None:
        sent[0] += 1

    async def declare(n: int) -> None:
        request = Declaration(text=f"{TIER1_TEXT} dc{n}", reporter=REPORTER)
        declared = await services.incidents.declare(request, ask_if_alike=True)
        assert not declared.alike and declared.incident.tier == 1

    try:
        for n in range(WARM_UP):
            await declare(n)
        replay = await captured(services.engine, lambda: declare(WARM_UP + declarations))
        for _ in range(WARM_UP):
            await replay()
        start = time.process_time()
        for _ in range(declarations):
            await replay()
        floor = time.process_time() - start
        event.listen(services.engine.sync_engine, "before_cursor_execute", count)
        with flush_cpu() as flushing:
            start, kernel = time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_stime
            for n in range(WARM_UP + declarations + 1, WARM_UP + 2 * declarations + 1):
                await declare(n)
            cpu = time.process_time() - start
            kernel = resource.getrusage(resource.RUSAGE_SELF).ru_stime - kernel
        event.remove(services.engine.sync_engine, "before_cursor_execute", count)
    finally:
        await services.engine.dispose()
    return {
        "cpu_ms": cpu / declarations * 1000,
        "kernel_ms": kernel / declarations * 1000,
        "statements": sent[0] / declarations,
        "flush_ms": flushing[0] / declarations * 1000,
        "floor_ms": floor / declarations * 1000,
    }


async def captured(
    engine: AsyncEngine, declare: Callable[[], Awaitable[None]]
) -> Callable[[], Awaitable[None]]:
    """The statements one declaration sends, as the driver got them, to send again in one
    transaction on a Core connection and roll back: the database's and the driver's share of
    a declaration, without the ORM, statement compilation or the domain's own work."""
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.startswith("BEGIN"):
            sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", keep)
    await declare()
    event.remove(engine.sync_engine, "before_cursor_execute", keep)
    async with engine.begin() as connection:
        # The replays insert the declaration's pages and steps again (their keys are unique).
        incident = (await connection.execute(text("SELECT max(id) FROM incidents"))).scalar()
        for table in ("pages", "escalation_steps"):
            await connection.execute(
                text(f"DELETE FROM {table} WHERE incident_id = :incident"), {"incident": incident}
            )

    async def replay() -> None:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            for statement, parameters in sent:
                if parameters and isinstance(parameters[0], (list, tuple)):
                    await connection.exec_driver_sql(statement, [tuple(p) for p in parameters])
                else:
                    await connection.exec_driver_sql(statement, tuple(parameters))
            await transaction.rollback()

    return replay


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=300)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--learned", type=int, default=0, help="corrections kept first")
    args = parser.parse_args()
    print(
        f"IncidentService.declare alone, {args.declarations} Tier 1 declarations after {WARM_UP}"
        f", {args.learned} learned corrections kept"
    )
    for kind in args.databases.split(","):
        with throwaway_database(kind, "declaration_bench") as (database, url):
            result = asyncio.run(measure(url, args.declarations, args.learned))
        print(
            f"{database:>16}: CPU {result['cpu_ms']:.2f} ms per declaration "
            f"({result['kernel_ms']:.2f} in the kernel), "
            f"{result['statements']:.1f} statements, "
            f"{result['flush_ms']:.2f} ms of it in ORM flushes "
            f"({result['flush_ms'] / result['cpu_ms']:.0%}); the same statements sent again as "
            f"the driver got them: {result['floor_ms']:.2f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
