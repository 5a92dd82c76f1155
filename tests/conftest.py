"""Shared fixtures: real databases (SQLite and PostgreSQL), the plan, and a controllable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan
from tests.support.databases import PostgresDatabases, SqliteDatabases
from tests.support.postgres import PostgresServer


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: PostgresServer) -> PostgresDatabases:
    return PostgresDatabases(postgres_server)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A freshly migrated database of each kind; every test using it runs on both."""
    name = "sqlite_databases" if request.param == "sqlite" else "postgres_databases"
    databases: SqliteDatabases | PostgresDatabases = request.getfixturevalue(name)
    return databases.fresh()


@pytest.fixture
def sqlite_url(sqlite_databases: SqliteDatabases) -> str:
    """A freshly migrated SQLite database, for tests that need not run on both."""
    return sqlite_databases.fresh()


@pytest.fixture
def db(database_url: str) -> Iterator[sa.Engine]:
    """A blocking engine on the test database, for assertions."""
    engine = sa.create_engine(database_url.replace("sqlite:///", "sqlite+pysqlite:///"))
    yield engine
    engine.dispose()


@pytest.fixture
def plan() -> Plan:
    return Plan()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
