"""What a transaction costs the bot's CPU on PostgreSQL, with each way of trying its connection.

A throwaway PostgreSQL server (Debian's binaries, as the tests start it) and the app's engine
(`async_engine`: asyncpg, the app's pool). Each variant runs --transactions transactions of one
`SELECT 1` through `sessions.begin()`, as the outbox worker's passes and the handlers do, one
after another, after a warm-up; the variants alternate for --rounds rounds:

- pre_ping: SQLAlchemy's `pool_pre_ping`, as the app had it before b329028. On asyncpg its ping
  is three round trips of its own (BEGIN, an empty query, ROLLBACK) before every transaction.
- idle_ping: the app's engine now: a connection back from work less than 0.1 s ago goes out
  untried (bot/store/engine.py, `_ping_when_idle`).
- no_ping: no ping at all, the floor (what the request claims' engine does).

    PYTHONPATH=. .venv/bin/python -m bench.pg_transactions [--transactions 3000] [--rounds 3]

Reported: CPU µs per transaction (this process; the server's is not counted) per variant and
round, and each variant's median as a ratio to pre_ping's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench.databases import throwaway_database
from bot.store import async_engine, session_factory
from bot.store.engine import APP_CONNECTIONS, _through_asyncpg, _url

WARM_UP = 200
QUERY = sa.text("SELECT 1")


def engine_for(variant: str, url: str) -> AsyncEngine:
    if variant == "idle_ping":
        return async_engine(url, connections=APP_CONNECTIONS)
    if variant == "no_ping":
        return async_engine(url, ping=False, connections=APP_CONNECTIONS)
    through = _through_asyncpg(_url(url, is_async=True))
    assert through is not None, "the server's URL should be served by asyncpg"
    asyncpg_url, connect_args = through
    size, overflow = APP_CONNECTIONS
    return create_async_engine(
        asyncpg_url,
        connect_args=connect_args,
        pool_pre_ping=True,
        pool_size=size,
        max_overflow=overflow,
    )


async def cpu_per_transaction(variant: str, url: str, count: int) -> float:
    engine = engine_for(variant, url)
    sessions = session_factory(engine)

    async def transactions(n: int) -> None:
        for _ in range(n):
            async with sessions.begin() as session:
                await session.execute(QUERY)

    try:
        await transactions(WARM_UP)
        started = time.process_time()
        await transactions(count)
        return (time.process_time() - started) / count * 1e6
    finally:
        await engine.dispose()


async def run(args: argparse.Namespace) -> None:
    variants = ["pre_ping", "idle_ping", "no_ping"]
    figures: dict[str, list[float]] = defaultdict(list)
    with throwaway_database("postgresql", "pg_transactions") as (_, url):
        for round_number in range(1, args.rounds + 1):
            order = variants if round_number % 2 else list(reversed(variants))
            for variant in order:
                us = await cpu_per_transaction(variant, url, args.transactions)
                figures[variant].append(us)
                print(f"round {round_number}, {variant}: {us:.0f} µs of CPU per transaction")
    base = statistics.median(figures["pre_ping"])
    for variant in variants:
        median = statistics.median(figures[variant])
        ratio = median / base
        print(f"{variant}: median {median:.0f} µs per transaction, ratio to pre_ping {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--transactions", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
