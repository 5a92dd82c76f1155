"""The real-PostgreSQL test server: start, template databases, queries through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.support.postgres import PostgresNotInstalledError, PostgresServer


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresServer]:
    """One server for the whole module: starting PostgreSQL takes about a second."""
    with PostgresServer() as server:
        yield server


def test_server_accepts_queries_at_its_url(pg: PostgresServer) -> None:
    assert pg.url("postgres") == f"postgresql+psycopg://postgres@127.0.0.1:{pg.port}/postgres"
    engine = create_engine(pg.url("postgres"))
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version_num")).scalar_one()
            fsync = conn.execute(text("SHOW fsync")).scalar_one()
    finally:
        engine.dispose()
    assert int(version) >= 130000
    assert fsync == "off"


def test_database_created_from_template_holds_template_data(pg: PostgresServer) -> None:
    template_url = pg.create_database("schema_template")
    engine = create_engine(template_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE incident (id serial PRIMARY KEY, title text)"))
            conn.execute(text("INSERT INTO incident (title) VALUES ('checkout down')"))
    finally:
        engine.dispose()  # a template with open connections cannot be copied

    copy_url = pg.create_database("test_copy", template="schema_template")
    assert copy_url == pg.url("test_copy")
    engine = create_engine(copy_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO incident (title) VALUES ('emails not sending')"))
            titles = conn.execute(text("SELECT title FROM incident ORDER BY id")).scalars().all()
    finally:
        engine.dispose()
    assert titles == ["checkout down", "emails not sending"]

    # the copy is independent of its template
    with pg.connect("schema_template") as conn:
        count = conn.execute("SELECT count(*) FROM incident").fetchone()
    assert count == (1,)

    pg.drop_database("test_copy")
    pg.drop_database("schema_template")
    with pg.connect() as conn:
        names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert not names & {"test_copy", "schema_template"}


def test_drop_database_closes_open_connections(pg: PostgresServer) -> None:
    pg.create_database("busy")
    with pg.connect("busy", autocommit=True) as held_open:
        pg.drop_database("busy")
        with pytest.raises(psycopg.OperationalError):
            held_open.execute("SELECT 1")
    with pg.connect() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'busy'").fetchone()
    assert row is None


def test_missing_binaries_fail_with_install_hint(tmp_path: Path) -> None:
    with pytest.raises(PostgresNotInstalledError, match="apt-get install"):
        PostgresServer(bindir=tmp_path)


async def test_the_database_live_check_pings_a_real_postgresql(pg) -> None:
    from bot.checks import run_check
    from bot.config import DatabaseCheck

    result = await run_check(DatabaseCheck(kind="database", url=pg.url("postgres")), timeout=5)
    assert result.status == "ok" and "SELECT 1" in result.summary
