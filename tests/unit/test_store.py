"""The schema: migrations match the models, states load as enums, and 0005 and 0010 fill
the new columns and tables from rows written before them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.config import Plan, Policy
from bot.store import (
    Base,
    EscalationStep,
    Incident,
    IncidentStatus,
    PageKind,
    PageStatus,
    Resolution,
    StepKind,
    StepStatus,
    async_engine,
    sync_engine,
    upgrade,
)
from bot.store.engine import PING_AFTER_IDLE
from bot.store.models import UTCDateTime
from tests.support.postgres import PostgresServer
from tests.support.snapshots import CURRENT

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def test_the_migrations_build_what_the_models_describe(database_url):
    engine = sync_engine(database_url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


def incident(**changes: object) -> Incident:
    fields: dict[str, object] = {
        "title": "t",
        "tier": 2,
        "category": "general",
        "reporter": "U1",
        "created_at": NOW,
        "updated_at": NOW,
        "ack_due_at": NOW,
        "post_channel": "C0INCIDENTS",
        "policy": Policy.of(Plan()),
    }
    return Incident(**(fields | changes))


def test_states_are_stored_as_their_text_and_load_as_enums(database_url):
    engine = sync_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            row = incident()
            session.add(row)
            session.flush()
            session.add(
                EscalationStep(
                    incident_id=row.id, key="handover:L1", kind=StepKind.HANDOVER, due_at=NOW
                )
            )
            number = row.id
        with engine.connect() as conn:
            stored = conn.execute(
                sa.text(
                    "SELECT i.status, s.kind, s.status FROM incidents i "
                    "JOIN escalation_steps s ON s.incident_id = i.id"
                )
            ).one()
        assert tuple(stored) == ("open", "handover", "pending")
        with Session(engine) as session:
            loaded = session.get(Incident, number)
            assert loaded is not None
            assert loaded.status is IncidentStatus.OPEN
            assert loaded.policy == Policy.of(Plan())
            step = session.scalars(sa.select(EscalationStep)).one()
            assert (step.kind, step.status) == (StepKind.HANDOVER, StepStatus.PENDING)
            assert step.kind is StepKind.HANDOVER
    finally:
        engine.dispose()


def test_a_state_outside_its_enum_is_refused(database_url):
    engine = sync_engine(database_url)
    try:
        with Session(engine) as session, pytest.raises(sa.exc.StatementError):
            session.add(incident(status="reopened"))
            session.flush()
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema yet, of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"migrate_{uuid.uuid4().hex[:12]}"
    yield server.create_database(name)
    server.drop_database(name)


def tables_at_0004(engine: sa.Engine) -> tuple[sa.Table, sa.Table, sa.Table]:
    """The incident, page and step tables as 0004 left them (read from the database)."""
    metadata = sa.MetaData()

    def times(*names: str) -> list[sa.Column[datetime]]:
        return [sa.Column(name, UTCDateTime()) for name in names]

    incidents = sa.Table(
        "incidents",
        metadata,
        *times("created_at", "updated_at", "ack_due_at"),
        sa.Column("policy", sa.JSON()),
        autoload_with=engine,
    )
    pages = sa.Table("pages", metadata, *times("created_at"), autoload_with=engine)
    steps = sa.Table("escalation_steps", metadata, *times("due_at"), autoload_with=engine)
    return incidents, pages, steps


def test_0005_fills_page_kind_and_step_attempt_from_rows_written_before_it(empty_url):
    upgrade(empty_url, "0004")
    engine = sync_engine(empty_url)
    try:
        incidents, pages, steps = tables_at_0004(engine)
        assert "kind" not in pages.c and "attempt" not in steps.c
        with engine.begin() as conn:
            number = conn.execute(
                incidents.insert()
                .values(
                    title="site down",
                    description="",
                    tier=1,
                    category="outage",
                    suggested=False,
                    status="acknowledged",
                    reporter="U1",
                    level=2,
                    created_at=NOW,
                    updated_at=NOW,
                    ack_due_at=NOW + timedelta(minutes=15),
                    post_channel="C0INCIDENTS",
                    policy=CURRENT,
                )
                .returning(incidents.c.id)
            ).scalar_one()
            page = {"incident_id": number, "reason": "declared", "created_at": NOW}
            conn.execute(
                pages.insert(),
                [
                    page
                    | {"key": "L1:U0SUP1:1", "level": 1, "user": "U0SUP1", "attempt": 1}
                    | {"status": "sent"},
                    page
                    | {"key": "L1:U0SUP1:2", "level": 1, "user": "U0SUP1", "attempt": 2}
                    | {"status": "cancelled"},
                    page
                    | {"key": "L2:U0DEV1:1", "level": 2, "user": "U0DEV1", "attempt": 1}
                    | {"status": "declined"},
                    page
                    | {"key": "N4:U0MGR1:1", "level": 4, "user": "U0MGR1", "attempt": 1}
                    | {"status": "queued"},
                ],
            )
            step = {"incident_id": number, "due_at": NOW, "status": "pending"}
            conn.execute(
                steps.insert(),
                [
                    step | {"key": "repage:L1:2", "kind": "repage", "level": 1},
                    step | {"key": "repage:L2:3", "kind": "repage", "level": 2},
                    step | {"key": "handover:L1", "kind": "handover", "level": 1},
                    step | {"key": "sla_ack:1795794300", "kind": "sla_ack", "level": 3},
                    step | {"key": "page:L1", "kind": "page", "level": 1},
                ],
            )
        upgrade(empty_url)

        with engine.connect() as conn:
            kinds = dict(conn.execute(sa.text("SELECT key, kind FROM pages")).all())
            attempts = dict(
                conn.execute(sa.text("SELECT key, attempt FROM escalation_steps")).all()
            )
        assert kinds == {
            "L1:U0SUP1:1": "page",
            "L1:U0SUP1:2": "page",
            "L2:U0DEV1:1": "page",
            "N4:U0MGR1:1": "notice",
        }
        assert attempts == {
            "repage:L1:2": 2,
            "repage:L2:3": 3,
            "handover:L1": None,
            "sla_ack:1795794300": None,
            "page:L1": None,
        }

        # The old rows load through the models: states as enums, the policy as a Policy.
        with Session(engine) as session:
            loaded = session.get(Incident, number)
            assert loaded is not None
            assert loaded.status is IncidentStatus.ACKNOWLEDGED
            assert loaded.policy == Policy.model_validate(CURRENT)
            assert [(p.kind, p.status) for p in loaded.pages] == [
                (PageKind.PAGE, PageStatus.SENT),
                (PageKind.PAGE, PageStatus.CANCELLED),
                (PageKind.PAGE, PageStatus.DECLINED),
                (PageKind.NOTICE, PageStatus.QUEUED),
            ]
    finally:
        engine.dispose()


def test_0010_keeps_each_write_up_written_before_it_as_a_resolution(empty_url):
    upgrade(empty_url, "0005")
    engine = sync_engine(empty_url)
    try:
        incidents, _, _ = tables_at_0004(engine)
        row = {
            "description": "",
            "tier": 2,
            "category": "general",
            "suggested": False,
            "reporter": "U1",
            "level": 1,
            "created_at": NOW,
            "updated_at": NOW + timedelta(hours=2),
            "ack_due_at": NOW,
            "post_channel": "C0INCIDENTS",
            "policy": CURRENT,
        }
        # Every row names every column: an insert of many rows takes its columns from the first.
        row |= dict.fromkeys(("resolved_at", "resolved_by", "summary", "root_cause", "lessons"))
        with engine.begin() as conn:
            conn.execute(
                incidents.insert(),
                [
                    row | {"title": "open", "status": "open"},
                    row
                    | {"title": "resolved", "status": "resolved", "resolved_by": "U0SUP1"}
                    | {"resolved_at": NOW + timedelta(hours=1), "summary": "restarted"}
                    | {"root_cause": "OOM", "lessons": "alert on memory"},
                    # Reopened: its write-up stays on the incident, the resolver does not.
                    row | {"title": "reopened", "status": "acknowledged", "summary": "patched"},
                ],
            )
        upgrade(empty_url)
        with Session(engine) as session:
            found = session.scalars(sa.select(Resolution).order_by(Resolution.incident_id)).all()
            assert [
                (r.incident_id, r.resolved_at, r.resolved_by, r.summary, r.root_cause, r.lessons)
                for r in found
            ] == [
                (2, NOW + timedelta(hours=1), "U0SUP1", "restarted", "OOM", "alert on memory"),
                (3, NOW + timedelta(hours=2), "", "patched", None, None),
            ]
    finally:
        engine.dispose()


async def test_the_app_talks_to_postgresql_through_asyncpg_and_checks_through_psycopg(
    postgres_server: PostgresServer,
):
    # asyncpg for the app's own statements (the CPU it saves is in bench/paging.py); a check's
    # summary names the driver's error type, which psycopg's errors say most by.
    url = postgres_server.url()
    assert await _driver_and_name(url) == ("asyncpg", "")
    assert await _driver_and_name(url, for_checks=True) == ("psycopg", "")
    assert sync_engine(url).dialect.driver == "psycopg"  # Alembic's


async def test_a_postgresql_url_s_libpq_options_hold_whichever_driver_serves_it(
    postgres_server: PostgresServer,
):
    # asyncpg takes libpq's options from a DSN, not as the keyword arguments SQLAlchemy would
    # make of the query (sslmode=require would not connect at all); connect_timeout is its
    # timeout. An option it does not read as libpq does leaves the app on psycopg.
    url = postgres_server.url()
    options = "?sslmode=disable&application_name=supportbot&connect_timeout=5"
    assert await _driver_and_name(url + options) == ("asyncpg", "supportbot")
    assert await _driver_and_name(url + options + "&keepalives=1") == ("psycopg", "supportbot")
    # libpq's connect_timeout=0 waits for ever; asyncpg's timeout=0 would give up at once.
    assert await _driver_and_name(url + "?connect_timeout=0") == ("asyncpg", "")


async def test_a_postgresql_server_on_its_unix_socket_is_reached_through_asyncpg(
    postgres_server: PostgresServer,
):
    # libpq's way to name a socket's folder (host= in the query, the port naming the socket
    # file): SQLAlchemy's asyncpg dialect reads it as libpq does. It fell back to psycopg,
    # slower by a quarter a statement, where a socket is the cheaper way to a local server.
    tcp = make_url(postgres_server.url())
    on_socket = tcp._replace(host=None, port=None).set(
        query={"host": str(postgres_server.socket_dir), "port": str(tcp.port)}
    )
    url = on_socket.render_as_string(hide_password=False)
    engine = async_engine(url + "&application_name=supportbot")
    try:
        async with engine.connect() as connection:
            # No server address: the connection came in on the socket, not over TCP.
            found = await connection.execute(
                sa.text("SELECT inet_server_addr(), current_setting('application_name')")
            )
            assert tuple(found.one()) == (None, "supportbot")
        assert engine.dialect.driver == "asyncpg"
    finally:
        await engine.dispose()
    # The query's host wins over the URL's own, as in libpq.
    both = tcp.set(query={"host": str(postgres_server.socket_dir)})
    engine = async_engine(both.render_as_string(hide_password=False))
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(sa.text("SELECT inet_server_addr()")) is None
    finally:
        await engine.dispose()


async def _driver_and_name(url: str, **options: Any) -> tuple[str, str]:
    engine = async_engine(url, **options)
    try:
        async with engine.connect() as connection:
            name = await connection.scalar(sa.text("SELECT current_setting('application_name')"))
        return engine.dialect.driver, str(name)
    finally:
        await engine.dispose()


async def test_a_connection_back_a_moment_ago_goes_out_untried_and_an_idle_one_is_tried(
    postgres_server: PostgresServer,
):
    # A ping is three round trips before a transaction: a connection just back from work is
    # not tried again, one idle longer is, and one whose backend is gone is replaced.
    engine = async_engine(postgres_server.url(), connections=(1, 0))
    pings: list[object] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]

    async def backend() -> int:
        async with engine.connect() as connection:
            return int(await connection.scalar(sa.text("SELECT pg_backend_pid()")))

    try:
        first = await backend()
        for _ in range(20):  # back a moment ago each time
            assert await backend() == first
        assert pings == []
        await asyncio.sleep(PING_AFTER_IDLE * 2)
        assert await backend() == first and len(pings) == 1
        with postgres_server.connect(autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        await asyncio.sleep(PING_AFTER_IDLE * 2)
        replaced = await backend()  # no error: the ping found it gone
        assert replaced != first and len(pings) == 2
    finally:
        await engine.dispose()
