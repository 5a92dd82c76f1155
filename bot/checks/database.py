"""The database check: SELECT 1 against the bot's own database or another one."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from typing import Any

from psycopg import errors as postgresql_errors
from sqlalchemy import Connection
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.checks.result import Status
from bot.store import async_engine


def _where(url: URL) -> str:
    """The backend and host, never the user or password: "postgresql at db:5432"."""
    backend = url.get_backend_name()
    if not url.host:
        return backend
    return f"{backend} at {url.host}" + (f":{url.port}" if url.port else "")


def _identity(url: URL) -> tuple[Any, ...]:
    """What makes two URLs the same database, whatever driver or options they name."""
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in {"", ":memory:"}:
        database = os.path.abspath(database)
    return (url.get_backend_name(), url.host, url.port, database, url.username, url.password)


class CheckEngines:
    """The engines database checks ping through, kept for the whole process.

    A check of the bot's own database borrows the bot's engine (its pool, not a connection of
    its own); any other database gets one engine with a single connection, shared by every run,
    so a burst of checks queues on that connection instead of opening one each."""

    def __init__(self, own_url: str | None = None, own: AsyncEngine | None = None) -> None:
        self._own = own
        self._own_identity = _identity(make_url(own_url)) if own is not None and own_url else None
        self._others: dict[tuple[Any, ...], AsyncEngine] = {}

    def engine_for(self, url: URL, database_url: str) -> AsyncEngine:
        """The engine to ping `url` through."""
        identity = _identity(url)
        if self._own is not None and identity == self._own_identity:
            return self._own
        engine = self._others.get(identity)
        if engine is None:
            engine = self._others[identity] = async_engine(
                database_url, single_connection=True, for_checks=True
            )
        return engine

    async def dispose(self) -> None:
        """Close the other databases' connections (the bot's own engine is not ours to close)."""
        engines, self._others = list(self._others.values()), {}
        for engine in engines:
            await engine.dispose()


def _select_one(connection: Connection) -> Any:
    # Straight through the DBAPI cursor: a SQLAlchemy execute would begin a transaction, which
    # on the bot's SQLite is BEGIN IMMEDIATE (bot.db) and would take the write lock for a ping.
    cursor = connection.connection.cursor()
    try:
        cursor.execute("SELECT 1")
        return cursor.fetchone()
    finally:
        cursor.close()


@dataclass(frozen=True)
class Target:
    """A database to check: its URL as given and parsed, and where it is, fit to show."""

    text: str
    url: URL
    where: str


async def resolve(database_url: str | None) -> Target | tuple[Status, str]:
    """The database to check, or why it cannot be checked."""
    if not database_url:
        return "unknown", "no database URL to check"
    try:
        url = make_url(database_url)
    except Exception:  # ArgumentError's message repeats the URL, password and all
        return "unknown", "not a valid database URL"
    where = _where(url)
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        return "unknown", f"unsupported database {where} (use sqlite or postgresql)"
    if url.get_backend_name() == "sqlite" and url.database not in {None, "", ":memory:"}:
        # Connecting would create an empty file and report it healthy.
        if not await asyncio.to_thread(os.path.exists, str(url.database)):
            return "fail", f"{where}: database file not found"
    return Target(database_url, url, where)


def error_name(exc: BaseException) -> str:
    """A database error's type, never its message: the driver's when SQLAlchemy wrapped it.

    A PostgreSQL error is named by its SQLSTATE as psycopg names it (UndefinedTable,
    QueryCanceled) whichever driver raised it: the bot's own engine, which a check of its own
    database borrows, goes through asyncpg, whose adapter calls such errors ProgrammingError
    or just Error."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    sqlstate = getattr(cause, "sqlstate", None)
    if isinstance(sqlstate, str):
        try:
            return postgresql_errors.lookup(sqlstate).__name__
        except KeyError:
            pass
    return type(cause).__name__


def failure(where: str, exc: BaseException) -> str:
    """A database error in a few words: its type, never its message."""
    return f"{where} unreachable: {error_name(exc)}"


async def check_database(
    database_url: str | None,
    engines: CheckEngines | None = None,
    values: dict[str, float] | None = None,
) -> tuple[Status, str]:
    """Ping the database; the summary names its backend and host, never its credentials.

    Without `engines` the check opens an engine of its own and closes it afterwards."""
    target = await resolve(database_url)
    if not isinstance(target, Target):
        return target
    engine = (
        engines.engine_for(target.url, target.text)
        if engines
        else async_engine(target.text, for_checks=True)
    )
    started = time.perf_counter()
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_select_one)
    except (DBAPIError, OSError) as exc:
        return "fail", failure(target.where, exc)
    finally:
        if engines is None:
            await engine.dispose()
    ms = round((time.perf_counter() - started) * 1000)
    if values is not None:
        values["response_ms"] = ms
    return "ok", f"SELECT 1 in {ms} ms ({target.where})"
