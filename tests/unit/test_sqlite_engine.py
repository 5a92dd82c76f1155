"""The app's SQLite engine: statements on the event loop's thread, lock waits off it (issue 15)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store import async_engine, session_factory
from tests.support.loop_ticks import loop_ticks


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = async_engine(f"sqlite:///{tmp_path / 'bot.db'}", inline=True)

    @sa.event.listens_for(engine.sync_engine, "connect")
    def _thread_function(dbapi_connection: Any, _record: Any) -> None:
        # Which thread sqlite3 runs a statement on, asked from inside the statement.
        dbapi_connection.create_function("thread_ident", 0, threading.get_ident)

    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    await engine.dispose()


async def test_statements_run_on_the_event_loops_thread(engine: AsyncEngine) -> None:
    """Each hop to aiosqlite's thread and back cost more CPU than the statement: about a third
    of a declaration's CPU went to ~90 of them."""
    async with engine.begin() as conn:
        ran_on = await conn.scalar(sa.text("SELECT thread_ident()"))
        await conn.execute(sa.text("INSERT INTO notes (body) VALUES ('a'), ('b')"))
    assert ran_on == threading.get_ident()
    async with engine.connect() as conn:
        assert (await conn.scalar(sa.text("SELECT count(*) FROM notes"))) == 2


async def test_a_transaction_sends_sqlite_only_its_own_statements(engine: AsyncEngine) -> None:
    """BEGIN IMMEDIATE is tried without waiting: the connection waits for no lock on the loop's
    thread (busy_timeout 0 there), rather than turning the wait off and on around each BEGIN."""
    ran: list[str] = []
    async with engine.begin() as conn:
        raw = await conn.get_raw_connection()
        raw.driver_connection._conn.set_trace_callback(ran.append)
        await conn.execute(sa.text("INSERT INTO notes (body) VALUES ('first')"))
    for body in ("second", "third"):
        async with engine.begin() as conn:
            await conn.execute(sa.text(f"INSERT INTO notes (body) VALUES ('{body}')"))
    statements = [s.split()[0] for s in ran]
    assert statements == ["INSERT", "COMMIT"] + ["BEGIN", "INSERT", "COMMIT"] * 2, ran


async def test_waiting_for_another_process_lock_does_not_hold_up_the_loop(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A BEGIN IMMEDIATE that finds the write lock taken waits for it (busy_timeout) on
    aiosqlite's thread, so acks and deliveries go on meanwhile."""
    holder = sqlite3.connect(tmp_path / "bot.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    async def write() -> None:
        async with engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO notes (body) VALUES ('after the lock')"))

    async with loop_ticks() as ticks:
        writer = asyncio.create_task(write())
        await asyncio.sleep(0.5)
        assert not writer.done()  # still waiting for the lock
        assert ticks.count >= 10, ticks  # and the loop ran all along
        holder.execute("COMMIT")
        await asyncio.wait_for(writer, 10)
    holder.close()
    async with engine.connect() as conn:
        assert (await conn.scalar(sa.text("SELECT body FROM notes"))) == "after the lock"


async def test_sessions_commit_roll_back_and_close_without_a_task_each(engine: AsyncEngine) -> None:
    """SQLAlchemy closes a session in a shielded task of its own; on the inline engine no close
    can be interrupted, so sessions end in the caller's task (a few percent of a declaration's
    CPU went to those tasks). The pool's one connection comes back every time."""
    sessions = session_factory(engine)
    loop = asyncio.get_running_loop()
    created = 0

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        nonlocal created
        created += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(counting)
    try:
        for n in range(3):
            async with sessions.begin() as session:
                await session.execute(sa.text(f"INSERT INTO notes (body) VALUES ('{n}')"))
        with pytest.raises(RuntimeError):
            async with sessions.begin() as session:
                await session.execute(sa.text("INSERT INTO notes (body) VALUES ('rolled back')"))
                raise RuntimeError
        async with sessions() as session:
            bodies = (await session.scalars(sa.text("SELECT body FROM notes ORDER BY id"))).all()
    finally:
        loop.set_task_factory(None)
    assert bodies == ["0", "1", "2"]
    assert created == 0
