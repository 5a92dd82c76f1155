"""Throwaway databases for the benchmarks: a SQLite file in a temporary folder, or a PostgreSQL
server started from Debian's binaries, as the tests start one."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def throwaway_database(kind: str, name: str) -> Iterator[tuple[str, str]]:
    """An empty database of kind ("sqlite" or "postgresql") for the block, as the label the
    benchmarks print ("SQLite", "PostgreSQL 15.14") and its URL; gone when the block ends.

    name says whose it is (letters, digits and underscores). Raises PostgresNotInstalledError
    where PostgreSQL's binaries are missing."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"supportbot-{name}-") as folder:
            yield "SQLite", f"sqlite:///{folder}/{name}.db"
        return
    if kind != "postgresql":
        raise SystemExit(f"unknown database {kind!r} (sqlite, postgresql)")
    from tests.support.postgres import PostgresServer

    server = PostgresServer().start()
    try:
        url = server.create_database(f"supportbot_{name}")
        with server.connect() as connection:
            version = connection.execute("SHOW server_version").fetchone()
        yield f"PostgreSQL {version[0].split()[0] if version else ''}".strip(), url
    finally:
        server.stop()
