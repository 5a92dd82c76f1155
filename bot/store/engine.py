"""Engines and sessions: async for the app, sync for Alembic; SQLite tuned for a team's load."""

from __future__ import annotations

import time
import weakref
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.compiler import InsertmanyvaluesSentinelOpts

from bot.errors import ConfigError
from bot.store.inline_sqlite import InlineDBAPI, InlineSession


def _url(database_url: str, *, is_async: bool) -> URL:
    try:
        url = make_url(database_url)
    except Exception:  # SQLAlchemy raises ArgumentError; say which variable is wrong
        raise ConfigError("DATABASE_URL is not a valid SQLAlchemy URL") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite" if is_async else "sqlite+pysqlite")
    if backend == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    raise ConfigError(f"DATABASE_URL: unsupported database {backend!r} (use sqlite or postgresql)")


# The libpq options in a URL's query that asyncpg reads as libpq does. It takes any other one
# for a server setting (keepalives, gssencmode…), which the server refuses.
_ASYNCPG_READS = frozenset(
    {
        "sslmode",
        "sslcert",
        "sslkey",
        "sslrootcert",
        "sslcrl",
        "sslpassword",
        "sslnegotiation",
        "ssl_min_protocol_version",
        "ssl_max_protocol_version",
        "target_session_attrs",
        "krbsrvname",
        "gsslib",
        "passfile",
        "service",
        "application_name",
        "options",
    }
)
_WHERE = ("host", "port")


def _through_asyncpg(url: URL) -> tuple[URL, dict[str, Any]] | None:
    """The app's PostgreSQL URL for asyncpg, with its connect_args; None when its query has
    an option asyncpg would not read as libpq does (psycopg then serves: slower, never wrong).

    asyncpg spends about a quarter less CPU per statement than psycopg's async mode (140 µs
    against 195), a tenth of a declaration's on PostgreSQL. SQLAlchemy hands it a URL's
    query as keyword arguments, which it does not take (sslmode=require): they go in a DSN
    of their own instead, which asyncpg parses as libpq would."""
    query = dict(url.query)
    args: dict[str, Any] = {}
    if "connect_timeout" in query:
        try:
            seconds = float(str(query.pop("connect_timeout")))
        except ValueError:
            return None
        if seconds > 0:  # libpq waits for ever on 0; asyncpg would give up at once
            args["timeout"] = seconds
    # Where to connect SQLAlchemy's asyncpg dialect reads from the query itself, as libpq
    # does: a socket's folder (host=/var/run/postgresql), lists of hosts and ports.
    where = {key: query.pop(key) for key in _WHERE if key in query}
    if not set(query) <= _ASYNCPG_READS:
        return None
    if query:
        args["dsn"] = "postgresql://?" + urlencode(query, doseq=True)
    return url.set(drivername="postgresql+asyncpg", query=where), args


def _tune_sqlite(engine: Engine) -> None:
    # New rows of one flush in one INSERT … RETURNING, as on PostgreSQL, not one each (a
    # declaration's four pages, its timeline entries). SQLAlchemy matches the ids read back to
    # the rows by sorting them, as it does on MariaDB: SQLite numbers the rows of a VALUES list
    # in order, each one above the table's largest id (a table never nears the 2^63 ceiling
    # where it would pick at random). It does not claim this for SQLite by default because
    # SQLite does not document it.
    engine.dialect.insertmanyvalues_implicit_sentinel = (
        InsertmanyvaluesSentinelOpts.ANY_AUTOINCREMENT
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
        # instead of one failing with "database is locked" when it upgrades its lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# Engines made with inline=True (their sessions need no cancellation shield: InlineSession).
_INLINE: weakref.WeakSet[AsyncEngine] = weakref.WeakSet()


# On PostgreSQL the app holds at most 15 connections to its database, as SQLAlchemy's default
# pool did (5 kept, 10 more at a peak): 12 for its transactions, 3 for request claims
# (bot/slack/replays.py). Each is (kept, more at a peak). All kept once opened: with 10
# declarations in flight, connections opened for a peak and closed after it were opened again
# at the next (a TLS offer, authentication, type set-up, every statement prepared anew), a
# tenth of a declaration's CPU.
APP_CONNECTIONS = (12, 0)
CLAIM_CONNECTIONS = (3, 0)


def async_engine(
    database_url: str,
    *,
    single_connection: bool = False,
    inline: bool = False,
    ping: bool = True,
    connections: tuple[int, int] | None = None,
    for_checks: bool = False,
) -> AsyncEngine:
    """The app's engine; single_connection for one that only pings (a live check's).

    inline (SQLite): statements run on the event loop's thread (inline_sqlite.py). For the app's
    own statements, not for queries someone configured: a slow one would hold up the loop.
    ping: a connection idle longer than PING_AFTER_IDLE is tried before use (_ping_when_idle);
    ping=False: never, for work that may fail once after the database restarts.
    connections: the pool's (kept, more at a peak).
    for_checks: an engine a live check runs its queries through. On PostgreSQL the app's
    own statements go through asyncpg (_through_asyncpg); a check's, like Alembic's, through
    psycopg, whose errors name what went wrong by their type."""
    url = _url(database_url, is_async=True)
    # Errors quote their statement's parameters, which hold what users typed: keep them out
    # of every log line.
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if url.get_backend_name() == "postgresql" and not for_checks:
        if (asyncpg := _through_asyncpg(url)) is not None:
            url, kwargs["connect_args"] = asyncpg
    if ping:
        # The connection used last goes out first, so the one a burst of work keeps using
        # is the one that needs no ping (_ping_when_idle).
        kwargs["pool_use_lifo"] = True
    if single_connection:
        connections = (1, 0)
    if connections is not None:
        kwargs |= {"pool_size": connections[0], "max_overflow": connections[1]}
    if url.get_backend_name() == "sqlite":
        # SQLite has one writer at a time. With one connection, transactions queue in the pool
        # (woken the moment the previous one ends) instead of in SQLite's busy handler, which
        # sleeps up to 100 ms between tries. Code never holds a transaction across a Slack call.
        kwargs = {"pool_size": 1, "max_overflow": 0, "hide_parameters": True}
        if inline:
            kwargs["module"] = InlineDBAPI()
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        _tune_sqlite(engine.sync_engine)
        if inline:
            _INLINE.add(engine)
    elif ping:
        _ping_when_idle(engine.sync_engine)
    return engine


# How long a connection may sit in the pool and still go out untried. SQLAlchemy's ping on
# asyncpg is three round trips (BEGIN, an empty query, ROLLBACK) before every transaction, a
# quarter of a one-statement transaction's CPU (bench/pg_transactions.py), and each round trip
# is a send and a receive through the kernel. A connection back from work a moment ago was
# alive then: a server that restarted since would have had to stop and start again within
# this time. What slips through anyway (a backend terminated in that moment) fails
# its one transaction, and SQLAlchemy then drops every connection of the pool.
PING_AFTER_IDLE = 0.1  # seconds
# A pooled connection's info key: when it last went back to the pool (or opened).
_USED = "supportbot_used_at"


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pool_pre_ping, for connections idle longer than PING_AFTER_IDLE."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info[_USED] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _back(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_USED, 0.0) < PING_AFTER_IDLE:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool drops this connection and checks out another (a new one if need be).
            raise DisconnectionError(f"connection failed its ping: {type(exc).__name__}") from exc


def sync_engine(database_url: str) -> Engine:
    """A blocking engine, for migrations and tools."""
    url = _url(database_url, is_async=False)
    engine = create_engine(url)
    if url.get_backend_name() == "sqlite":
        _tune_sqlite(engine)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    """Sessions whose objects stay readable after commit."""
    if engine in _INLINE:
        return async_sessionmaker(engine, class_=InlineSession, expire_on_commit=False)
    return async_sessionmaker(engine, expire_on_commit=False)
