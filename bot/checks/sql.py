"""The sql check: a query returning one number (connections in use, queue depth, orders today).

The query runs read-only and bounded. On PostgreSQL the transaction is READ ONLY and carries a
statement_timeout, so a slow query is stopped by the server, not left running after the bot
gave up; on SQLite `query_only` is set for the query's length. The summary names the backend
and host at most, never the URL or the query's error message.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.checks.database import CheckEngines, Target, error_name, resolve
from bot.checks.metric import judged
from bot.checks.result import Status
from bot.config import SqlCheck
from bot.store import async_engine


def _first_cell(connection: Connection, query: str, timeout_ms: int) -> Any:
    # Through the DBAPI cursor, as the database check does: no BEGIN IMMEDIATE on SQLite.
    dbapi = connection.connection
    postgres = connection.dialect.name == "postgresql"
    cursor = dbapi.cursor()
    try:
        if postgres:  # the driver opens the transaction these settings apply to
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
        else:
            cursor.execute("PRAGMA query_only = ON")
        cursor.execute(query)
        row = cursor.fetchone()
    finally:
        if postgres:
            dbapi.rollback()
        else:
            cursor.execute("PRAGMA query_only = OFF")
        cursor.close()
    return None if row is None or len(row) == 0 else row[0]


async def check_sql(
    check: SqlCheck,
    database_url: str | None,
    timeout: float,
    values: dict[str, float],
    engines: CheckEngines | None = None,
) -> tuple[Status, str]:
    """Run the query and judge its number against `above` / `below`."""
    target = await resolve(check.url or database_url)
    if not isinstance(target, Target):
        return target
    engine: AsyncEngine = (
        engines.engine_for(target.url, target.text)
        if engines
        else async_engine(target.text, for_checks=True)
    )
    started = time.perf_counter()
    timeout_ms = max(1, int(timeout * 1000))
    try:
        async with engine.connect() as connection:
            try:
                cell = await connection.run_sync(_first_cell, check.query, timeout_ms)
            except Exception as exc:  # the driver's own error, raised by the query itself
                return "fail", f"query failed on {target.where}: {error_name(exc)}"
    except (DBAPIError, OSError) as exc:
        return "fail", f"{target.where} unreachable: {error_name(exc)}"
    finally:
        if engines is None:
            await engine.dispose()
    values["response_ms"] = round((time.perf_counter() - started) * 1000)
    if isinstance(cell, bool) or not isinstance(cell, int | float | Decimal):
        return "fail", "the query returned no number"
    value = float(cell)
    values["value"] = value
    return judged(value, check.above, check.below)
