"""The app's SQLite engine: statements on the event loop's thread, lock waits off it (issue 15)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import greenlet
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store import async_engine, checkpoints, session_factory
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


async def test_a_statement_waits_on_the_loop_once(engine: AsyncEngine) -> None:
    """SQLAlchemy's aiosqlite cursor awaited each step of a statement (execute, then fetch)
    through aiosqlite's coroutines, a greenlet switch out to the loop and back apiece; on the
    inline connection a statement is one await: into the session's greenlet, out to the loop
    and back once, out as it ends (6 switches before)."""
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        await session.execute(sa.text("INSERT INTO notes (body) VALUES ('a'), ('b')"))
    async with sessions() as session:
        await session.execute(sa.text("SELECT 1"))  # the transaction's BEGIN: an await too
        switches: list[str] = []
        traced = greenlet.settrace(lambda event, _: switches.append(event))
        try:
            rows = (await session.execute(sa.text("SELECT body FROM notes ORDER BY id"))).all()
        finally:
            greenlet.settrace(traced)
    assert [tuple(row) for row in rows] == [("a",), ("b",)]
    assert switches == ["switch"] * 4


async def test_the_inline_cursor_answers_as_sqlite3_does(engine: AsyncEngine) -> None:
    """Row counts, inserted ids, many rows in one call, and SQLite's errors as SQLAlchemy's."""
    async with engine.begin() as conn:
        inserted = await conn.execute(sa.text("INSERT INTO notes (body) VALUES ('one')"))
        assert inserted.lastrowid == 1
        many = await conn.execute(
            sa.text("INSERT INTO notes (body) VALUES (:body)"), [{"body": "two"}, {"body": "3"}]
        )
        assert many.rowcount == 2
        changed = await conn.execute(sa.text("UPDATE notes SET body = 'x' WHERE id > 1"))
        assert changed.rowcount == 2
        assert (await conn.execute(sa.text("SELECT body FROM notes WHERE id = 9"))).all() == []
    with pytest.raises(sa.exc.IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO notes (id, body) VALUES (1, 'again')"))
    with pytest.raises(sa.exc.OperationalError):
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT nothing FROM nowhere"))
    async with engine.connect() as conn:
        assert (await conn.scalar(sa.text("SELECT group_concat(body) FROM notes"))) == "one,x,x"


def _pages(path: Path) -> int:
    return path.stat().st_size // 4096 if path.exists() else 0


async def _write(engine: AsyncEngine, kib: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.text("INSERT INTO notes (body) VALUES (randomblob(:n))"), {"n": kib * 1024}
        )


async def _until(condition: Any, timeout: float = 10.0) -> None:
    waited = 0.0
    while not condition():
        assert waited < timeout, "timed out"
        await asyncio.sleep(0.02)
        waited += 0.02


async def test_a_commit_leaves_the_checkpoint_to_another_thread(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own checkpoint runs inside the COMMIT that takes the log past 1,000 pages,
    copying it into the database file and fsyncing both: on the loop's thread that held
    everything up 14–22 ms, every dozen declarations. The app's connection makes none; the
    log is copied off the loop after its commits (bot/store/checkpoints.py)."""
    database = tmp_path / "bot.db"
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("PRAGMA wal_autocheckpoint")) == 0
    monkeypatch.setattr(checkpoints, "CHECKPOINT_EVERY", 3600)  # none after this commit
    await _write(engine, 8 * 1024)  # 2,048 pages
    await asyncio.sleep(0.2)
    # The COMMIT copied nothing: the rows are in the log only.
    assert _pages(database) < 100, _pages(database)
    monkeypatch.setattr(checkpoints, "CHECKPOINT_EVERY", 0)
    async with loop_ticks() as ticks:
        await _write(engine, 1)
        await _until(lambda: _pages(database) >= 2048)
    assert ticks.count >= 1, ticks  # the loop ran while it was copied
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM notes")) == 2


async def test_the_log_starts_again_while_writes_keep_coming(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint beside a steady stream of commits never reaches the log's end, and the
    log only starts from its beginning again once all of it is in the database file: past
    CATCH_UP_AT pages the next transaction waits (off the loop) for the rest to be copied,
    so the log's file stays near that size instead of growing with every write."""
    monkeypatch.setattr(checkpoints, "CATCH_UP_AT", 200)
    monkeypatch.setattr(checkpoints, "CHECKPOINT_EVERY", 0.01)
    for _ in range(300):  # 300 commits of 64 pages each: 19,200 pages, 75 MB
        await _write(engine, 256)
        await asyncio.sleep(0)
    # Without the catch-up the log's file holds all 19,200. With it, the file keeps the largest
    # the log grew to: CATCH_UP_AT and the commits made while the checkpoint that finds it past
    # that is on its thread. That depends on how fast the thread gets through it: 1,300-1,600
    # on a quiet machine, 3,326 in a CI run with four test workers on two cores, 6,318 with
    # two workers beside a benchmark. Half of what was written: the log started again.
    assert _pages(tmp_path / "bot.db-wal") < 9600, _pages(tmp_path / "bot.db-wal")
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM notes")) == 300


async def test_checkpoints_that_cannot_be_made_go_back_to_the_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """If the database file cannot be opened a second time, the app's connection makes its
    checkpoints itself again, as SQLite does by default: a log without checkpoints would grow
    for ever."""

    class Unopenable:
        @staticmethod
        def connect(*_args: Any, **_kwargs: Any) -> sqlite3.Connection:
            raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(checkpoints, "sqlite3", Unopenable)
    engine = async_engine(f"sqlite:///{tmp_path / 'bot.db'}", inline=True)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        await _until(lambda: "fall back" in caplog.text)
        await _write(engine, 1)  # the first commit since: the connection's own are back
        await _write(engine, 8 * 1024)  # past 1,000 pages: this COMMIT checkpoints
        assert _pages(tmp_path / "bot.db") >= 2048
        async with engine.connect() as conn:
            assert await conn.scalar(sa.text("PRAGMA wal_autocheckpoint")) == 1000
    finally:
        await engine.dispose()


async def test_closing_the_engine_closes_the_checkpoints_connection(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The last connection to close removes the log: one left open would keep it."""
    for _ in range(3):
        await _write(engine, 512)
        await asyncio.sleep(checkpoints.CHECKPOINT_EVERY)
    assert (tmp_path / "bot.db-wal").exists()
    await engine.dispose()
    assert not (tmp_path / "bot.db-wal").exists()
    assert _pages(tmp_path / "bot.db") >= 384
