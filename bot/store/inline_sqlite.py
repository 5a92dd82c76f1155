"""The app's SQLite connection: statements on the event loop's thread (issue 15)."""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.ext.asyncio import AsyncSession

# Private, but the one place that says how a session's context manager ends.
from sqlalchemy.ext.asyncio.session import _AsyncSessionContextManager
from sqlalchemy.util.concurrency import await_

from bot.store.checkpoints import SQLITE_AUTOCHECKPOINT, Checkpointer, checkpoint


class _InlineSQLite(aiosqlite.Connection):
    """aiosqlite that runs statements on the caller's thread; only a BEGIN that must wait
    goes to its own, and so do WAL checkpoints.

    Handing each statement to aiosqlite's thread and waking the event loop with its result
    cost more CPU than the statement itself (a declaration sends about 90). Only BEGIN
    IMMEDIATE can wait (for another process's write lock, up to busy_timeout): it is tried
    at once, and if the lock is taken it waits on aiosqlite's thread, so the loop never
    blocks on a lock. In WAL mode the rest cannot wait and take microseconds, once the
    checkpoints a COMMIT would make are made elsewhere (bot/store/checkpoints.py). The
    engine's pool holds one connection: it is never used from two places at once."""

    _busy_timeout: int | None = None  # this connection's, read at its first BEGIN
    _checkpoints: Checkpointer | None = None

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if self._connection is None:
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        if not (args and str(args[0]).startswith("BEGIN")):
            return fn(*args, **kwargs)
        if self._busy_timeout is None:
            self._first_begin()
        begin = partial(fn, *args, **kwargs)
        if self._checkpoints is not None and self._checkpoints.catch_up:
            self._checkpoints.catch_up = False
            caught_up = partial(self._caught_up, begin)
            return await super()._execute(self._waiting, caught_up)  # type: ignore[no-untyped-call]
        try:
            return begin()
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        return await super()._execute(self._waiting, begin)  # type: ignore[no-untyped-call]

    def _first_begin(self) -> None:
        # busy_timeout: set as it opened (_tune_sqlite), and kept for the BEGINs that must
        # wait; on the loop's thread nothing waits. Set once rather than around every BEGIN:
        # two PRAGMAs a transaction were a tenth of its statements.
        (self._busy_timeout,) = self._conn.execute("PRAGMA busy_timeout").fetchone()
        self._conn.execute("PRAGMA busy_timeout=0")
        (mode,) = self._conn.execute("PRAGMA journal_mode").fetchone()
        path = next((row[2] for row in self._conn.execute("PRAGMA database_list")), "")
        if str(mode).lower() == "wal" and path:  # not an in-memory database
            self._conn.execute("PRAGMA wal_autocheckpoint=0")
            self._checkpoints = Checkpointer(path, self._off_loop)

    def _caught_up(self, begin: Callable[[], Any]) -> Any:
        # On aiosqlite's thread, before this connection writes again: the log's end is in
        # reach, and once all of it is copied the transaction's first write starts it anew.
        checkpoint(self._conn)
        return begin()

    async def _off_loop(self, fn: Callable[[], Any]) -> Any:
        return await super()._execute(fn)  # type: ignore[no-untyped-call]

    async def commit(self) -> None:
        await super().commit()
        if (checkpoints := self._checkpoints) is None:
            return
        if checkpoints.failed:
            self._checkpoints = None
            self._conn.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT}")
        else:
            checkpoints.committed()

    async def close(self) -> None:
        if self._checkpoints is not None and self._connection is not None:
            await self._checkpoints.close()
        await super().close()

    def _waiting(self, begin: Callable[[], Any]) -> Any:
        # On aiosqlite's thread: the connection's own busy_timeout for this BEGIN alone.
        self._conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout or 0)}")
        try:
            return begin()
        finally:
            self._conn.execute("PRAGMA busy_timeout=0")


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's cursor over the inline connection, with sqlite3's own cursor inside.

    SQLAlchemy's aiosqlite cursor awaits each step of a statement (open the cursor, execute,
    fetch, close) through aiosqlite's coroutines, a greenlet switch apiece, under a lock: on
    the inline connection those layers cost several times the statement. Here a statement is
    one await of _InlineSQLite._execute, which runs it at once (a BEGIN may still wait there),
    and one await it must be: AsyncConnection.execute refuses a driver that never awaits."""

    __slots__ = ()
    _awaitable_cursor_close = False  # sqlite3's close returns at once

    def _make_new_cursor(self, connection: Any) -> Any:
        try:
            return connection._conn.cursor()
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        return self._inline(self._run, operation, parameters)

    def _run(self, operation: Any, parameters: Any) -> Any:
        cursor = cast(sqlite3.Cursor, self._cursor)
        result = (
            cursor.execute(operation)
            if parameters is None
            else cursor.execute(operation, parameters)
        )
        if cursor.description:
            self._rows = deque(cursor.fetchall())
        return result

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        return self._inline(self._cursor.executemany, operation, seq_of_parameters)

    def _inline(self, fn: Callable[..., Any], *args: Any) -> Any:
        # The one await a statement takes; sqlite3's errors raised as SQLAlchemy's.
        try:
            return await_(self._connection._execute(fn, *args))
        except Exception as error:
            self._adapt_connection._handle_exception(error)


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _Cursor


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI of the inline engine (create_async_engine's module=)."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, database: str, **kwargs: Any) -> _Connection:
        return _Connection(self, cast(Any, await_(connect_inline(database, **kwargs))))


def connect_inline(database: str, **kwargs: Any) -> aiosqlite.Connection:
    """The inline connection, not yet opened (awaiting it opens it)."""
    # Opened on aiosqlite's thread, used on the loop's: sqlite3 must allow that.
    connector = partial(sqlite3.connect, database, **{**kwargs, "check_same_thread": False})
    connection = _InlineSQLite(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy's aiosqlite dialect does
    return connection


class InlineSession(AsyncSession):
    """A session of the inline SQLite engine, closed without SQLAlchemy's cancellation shield.

    SQLAlchemy runs a context manager's close in a task of its own and shields it, so that a
    cancellation cannot abandon it halfway (a connection then lost to its pool). That costs a
    task and two turns of the event loop per session, a few percent of a declaration's CPU.
    On the inline engine the close cannot be interrupted: none of its statements wait (they
    run on the loop's thread), so there is no point at which a cancellation could land."""

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await self.close()

    def _maker_context_manager(self) -> _AsyncSessionContextManager[Any]:
        return _Begun(self)


class _Begun(_AsyncSessionContextManager[Any]):
    """sessions.begin() for InlineSession: commit or roll back, then close, unshielded."""

    __slots__ = ()

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        try:
            await self.trans.__aexit__(type_, value, traceback)
        finally:
            await self.async_session.close()
