"""The inline SQLite engine's cursor against SQLAlchemy's own aiosqlite cursor, side by side.

Both engines use the same connection (bot/store/inline_sqlite.py's `connect_inline`,
statements on the event loop's thread) on the same database file; they differ only in the
cursor SQLAlchemy is given: the app's (sqlite3's own cursor, one await a statement) or the
aiosqlite dialect's stock one (each step awaited through aiosqlite's coroutines). Each runs
--transactions transactions through `sessions.begin()` like the outbox worker's (an INSERT, a
SELECT of rows, an UPDATE, an ORM SELECT on the incidents table, then COMMIT), in --rounds
alternating rounds after a warm-up. Reported: CPU µs per transaction for each, and the ratio.

    PYTHONPATH=. .venv/bin/python -m bench.inline_cursor [--transactions 1500] [--rounds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store import Incident, async_engine, session_factory, upgrade
from bot.store.engine import _INLINE, _tune_sqlite
from bot.store.inline_sqlite import connect_inline

WARM_UP = 200


def stock_engine(path: Path) -> AsyncEngine:
    """The inline connection under the aiosqlite dialect's own cursor."""
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{path}",
        pool_size=1,
        max_overflow=0,
        connect_args={"async_creator_fn": connect_inline},
    )
    _tune_sqlite(engine.sync_engine)
    _INLINE.add(engine)
    return engine


async def cpu_per_transaction(engine: AsyncEngine, transactions: int) -> float:
    sessions = session_factory(engine)

    async def one(n: int) -> None:
        async with sessions.begin() as session:
            await session.execute(sa.text("INSERT INTO notes (body) VALUES (:b)"), {"b": str(n)})
            await session.execute(
                sa.text("SELECT id, body FROM notes WHERE id > :n LIMIT 5"), {"n": n}
            )
            await session.execute(sa.text("UPDATE notes SET body = 'x' WHERE id = :n"), {"n": n})
            await session.execute(sa.select(Incident.id).where(Incident.id == 1))

    for n in range(WARM_UP):
        await one(n)
    began = time.process_time()
    for n in range(transactions):
        await one(n)
    return (time.process_time() - began) / transactions * 1e6


async def main(transactions: int, rounds: int) -> None:
    path = Path(tempfile.mkdtemp()) / "bench.db"
    upgrade(f"sqlite:///{path}")
    engine = async_engine(f"sqlite:///{path}", inline=True)
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    await engine.dispose()
    makers = {
        "stock aiosqlite cursor": lambda: stock_engine(path),
        "the app's cursor": lambda: async_engine(f"sqlite:///{path}", inline=True),
    }
    figures: dict[str, list[float]] = {name: [] for name in makers}
    for _ in range(rounds):
        for name, make in makers.items():
            engine = make()
            figures[name].append(await cpu_per_transaction(engine, transactions))
            await engine.dispose()
    print(f"CPU µs per transaction (BEGIN, 4 statements, COMMIT), {rounds} alternating rounds:")
    for name, values in figures.items():
        shown = " ".join(f"{v:.0f}" for v in values)
        print(f"  {name:<24} median {statistics.median(values):.0f}  ({shown})")
    stock, ours = (statistics.median(v) for v in figures.values())
    print(f"  ratio the app's / stock: {ours / stock:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(args.transactions, args.rounds))
