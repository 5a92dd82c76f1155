"""What a Tier 1 declaration's own transaction costs: `IncidentService.declare` alone.

No request, no Slack, no outbox worker: the app's services (the seed plan, a clock in business
hours of the launch fortnight, so levels 1 and 2 are paged) declare --declarations incidents one
after another after a warm-up, as `/incident checkout is broken for everyone …` does once acked
(look-alike check included), on SQLite and on a throwaway PostgreSQL. Reported per declaration:
CPU time (this process; on SQLite the database's work too), SQL statements, and the share of
the CPU spent inside the ORM's flushes (from before_flush to after_flush_postexec). Set beside
`bench.paging --part dm`'s CPU per declaration, it says how much of a declaration's cost is
its own transaction and how much the deliveries that follow.

    PYTHONPATH=. .venv/bin/python -m bench.declaration [--declarations 300]
        [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from bench.paging import REPORTER, TIER1_TEXT
from bench.paging_bot import WEDNESDAY_MORNING, check_pages_now
from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.incidents import Declaration
from bot.services import build_services
from bot.store import upgrade

WARM_UP = 30


@contextmanager
def flush_cpu() -> Iterator[list[float]]:
    """CPU seconds spent inside ORM flushes while the block runs."""
    spent = [0.0]
    began: list[float] = []

    def before(*_: Any) -> None:
        began.append(time.process_time())

    def after(*_: Any) -> None:
        spent[0] += time.process_time() - began.pop()

    event.listen(Session, "before_flush", before)
    event.listen(Session, "after_flush_postexec", after)
    try:
        yield spent
    finally:
        event.remove(Session, "before_flush", before)
        event.remove(Session, "after_flush_postexec", after)


async def measure(database_url: str, declarations: int) -> dict[str, float]:
    upgrade(database_url)
    plan = Plan()
    check_pages_now(plan, WEDNESDAY_MORNING)
    settings = Settings.from_env({"DATABASE_URL": database_url})
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
        event.listen(services.engine.sync_engine, "before_cursor_execute", count)
        with flush_cpu() as flushing:
            start = time.process_time()
            for n in range(WARM_UP, WARM_UP + declarations):
                await declare(n)
            cpu = time.process_time() - start
        event.remove(services.engine.sync_engine, "before_cursor_execute", count)
    finally:
        await services.engine.dispose()
    return {
        "cpu_ms": cpu / declarations * 1000,
        "statements": sent[0] / declarations,
        "flush_ms": flushing[0] / declarations * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=300)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"IncidentService.declare alone, {args.declarations} Tier 1 declarations after {WARM_UP}")
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                result = asyncio.run(measure(f"sqlite:///{folder}/bench.db", args.declarations))
        elif database == "postgresql":
            from tests.support.postgres import PostgresServer

            with PostgresServer() as server:
                result = asyncio.run(measure(server.url(), args.declarations))
        else:
            raise SystemExit(f"unknown database {database!r} (sqlite, postgresql)")
        print(
            f"{database:>10}: CPU {result['cpu_ms']:.2f} ms per declaration, "
            f"{result['statements']:.1f} statements, "
            f"{result['flush_ms']:.2f} ms of it in ORM flushes "
            f"({result['flush_ms'] / result['cpu_ms']:.0%})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
