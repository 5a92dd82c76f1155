"""The database check: SELECT 1 against the bot's own database or another one."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from bot.checks.result import Status
from bot.store import async_engine


def _where(url: URL) -> str:
    """The backend and host, never the user or password: "postgresql at db:5432"."""
    backend = url.get_backend_name()
    if not url.host:
        return backend
    return f"{backend} at {url.host}" + (f":{url.port}" if url.port else "")


def _select_one(connection: Connection) -> Any:
    # Straight through the DBAPI cursor: a SQLAlchemy execute would begin a transaction, which
    # on the bot's SQLite is BEGIN IMMEDIATE (bot.db) and would take the write lock for a ping.
    cursor = connection.connection.cursor()
    try:
        cursor.execute("SELECT 1")
        return cursor.fetchone()
    finally:
        cursor.close()


async def check_database(database_url: str | None) -> tuple[Status, str]:
    """Ping the database; the summary names its backend and host, never its credentials."""
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
    engine = async_engine(database_url)
    started = time.perf_counter()
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_select_one)
    except (DBAPIError, OSError) as exc:
        # DBAPIError wraps the driver's error, e.g. OperationalError: name the driver's type.
        cause = exc.orig if isinstance(exc, DBAPIError) else exc
        return "fail", f"{where} unreachable: {type(cause).__name__}"
    finally:
        await engine.dispose()
    ms = round((time.perf_counter() - started) * 1000)
    return "ok", f"SELECT 1 in {ms} ms ({where})"
