"""insert_now writes a new row as a flush would and leaves it in the session as loaded (issue 15):
a declaration's incident goes in as one INSERT, and all the declaration does with it after
works as it did when a flush had written it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.store import (
    Incident,
    IncidentEvent,
    IncidentStatus,
    Page,
    PageKind,
    PageStatus,
    insert_now,
    read_incident,
)
from tests.support.sent_sql import statements
from tests.support.store_rows import NOW, bare_incident


async def test_a_row_inserted_now_has_its_id_and_defaults_in_one_statement(engine, sessions):
    with statements(engine) as sent:
        async with sessions.begin() as session:
            incident = bare_incident()
            await insert_now(session, incident)
            inserted = [s for s in sent if not s.startswith("BEGIN")]
            # Read as a flush leaves them: defaults and unset columns, without a query.
            assert incident.id is not None
            assert (incident.description, incident.level, incident.suggested) == ("", 1, False)
            assert incident.status is IncidentStatus.OPEN
            assert incident.acknowledged_at is None and incident.post_ts is None
            assert incident.pages == [] and incident.events == []
            assert [s for s in sent if not s.startswith("BEGIN")] == inserted
    assert [s.split("(", maxsplit=1)[0].strip() for s in inserted] == ["INSERT INTO incidents"]
    async with sessions() as session:
        record = await read_incident(session, incident.id)
    assert record is not None
    assert (record.title, record.level, record.status) == (incident.title, 1, IncidentStatus.OPEN)


async def test_what_follows_the_insert_is_written_with_the_transaction(sessions):
    """Its pages and timeline entries, and a change to one of its columns (the level its pages
    raise it to), go in at the flush as they did when a flush had inserted it."""
    async with sessions.begin() as session:
        incident = bare_incident()
        await insert_now(session, incident)
        incident.pages.append(
            Page(
                key="L2:U0SUP1:1",
                kind=PageKind.PAGE,
                level=2,
                user="U0SUP1",
                attempt=1,
                reason="declared",
                status=PageStatus.QUEUED,
                created_at=NOW,
            )
        )
        session.add(IncidentEvent(incident=incident, at=NOW, actor="U1", kind="declared", text=""))
        incident.level = 2
    async with sessions() as session:
        stored = await session.get_one(Incident, incident.id)
        events = (
            await session.scalars(
                select(IncidentEvent.kind).where(IncidentEvent.incident_id == incident.id)
            )
        ).all()
        assert stored.level == 2
        assert [(p.user, p.level) for p in stored.pages] == [("U0SUP1", 2)]
        assert events == ["declared"]


async def test_a_row_inserted_now_rolls_back_with_its_transaction(sessions):
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await insert_now(session, bare_incident(source_key="trigger-1"))
            raise RuntimeError("the declaration failed after its insert")
    async with sessions() as session:
        assert (await session.scalars(select(Incident.id))).all() == []


async def test_a_second_row_with_the_same_unique_key_fails_as_a_flush_would(sessions):
    async with sessions.begin() as session:
        await insert_now(session, bare_incident(source_key="trigger-1"))
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            await insert_now(session, bare_incident(source_key="trigger-1"))


async def test_a_row_that_comes_with_related_rows_is_refused(sessions):
    incident = bare_incident()
    incident.events.append(IncidentEvent(at=NOW, actor="U1", kind="declared", text=""))
    async with sessions.begin() as session:
        with pytest.raises(ValueError, match="no related rows"):
            await insert_now(session, incident)
