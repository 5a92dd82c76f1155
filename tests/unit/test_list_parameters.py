"""Statements that take a list (the outbox claim's deliveries in flight, the incidents a claim
reads) are one statement to PostgreSQL however long the list is (bot/store/lists.py): asyncpg
prepares every statement text it has not seen on a connection, a round trip of its own before
it runs, and an IN with one placeholder per value was a new text for nearly every claim."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import FixedClock
from bot.paging.pages import ATTEMPTING
from bot.slack import Kind, Outbox
from bot.slack.claims import CLAIM_LEASE, claim_due
from bot.store import read_incidents
from tests.support.sent_sql import statements
from tests.unit.test_incident_record import busy_incident

NOW = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


def texts(sent: list[str], start: str) -> set[str]:
    return {statement for statement in sent if statement.startswith(start)}


async def test_a_claim_is_one_statement_however_many_deliveries_are_in_flight(engine, sessions):
    outbox = Outbox(FixedClock(NOW))
    async with outbox.transaction(sessions) as session:
        for n in range(4):
            await outbox.add(session, Kind.TIMELINE, f"incident:{n}", {"n": n})
    claimed = []
    with statements(engine) as sent:
        for in_flight in ([], [999], [996, 997, 998, 999]):
            async with sessions.begin() as session:
                claimed += await claim_due(session, NOW, 1, in_flight=in_flight)
    assert [message.payload["n"] for message in claimed] == [0, 1, 2]
    claims = texts(sent, "WITH due")
    assert claims
    if engine.dialect.name == "postgresql":
        assert len(claims) == 1, claims


async def test_a_claim_takes_no_more_than_its_limit(sessions):
    """On PostgreSQL the claim's inner SELECT (… LIMIT n FOR UPDATE SKIP LOCKED), as a
    subquery of the UPDATE, ran again for every row updated, each run skipping the rows
    updated before: a claim of 2 took all five."""
    outbox = Outbox(FixedClock(NOW))
    async with outbox.transaction(sessions) as session:
        for n in range(5):
            await outbox.add(session, Kind.TIMELINE, f"incident:{n}", {"n": n})
    async with sessions.begin() as session:
        taken = await claim_due(session, NOW, 2)
    assert [message.payload["n"] for message in taken] == [0, 1]


async def test_a_lapsed_claim_is_taken_back_unless_its_delivery_is_still_running(sessions):
    outbox = Outbox(FixedClock(NOW))
    async with outbox.transaction(sessions) as session:
        await outbox.add(session, Kind.TIMELINE, "incident:1", {"n": 1})
    async with sessions.begin() as session:
        (taken,) = await claim_due(session, NOW, 10)
    later = NOW + CLAIM_LEASE * 2
    async with sessions.begin() as session:
        assert await claim_due(session, later, 10, in_flight=[taken.id, taken.id + 1]) == []
    async with sessions.begin() as session:
        (again,) = await claim_due(session, later, 10, in_flight=[taken.id + 1])
    assert again.id == taken.id and again.attempts == 2


async def test_reads_and_marks_by_id_are_one_statement_however_many_ids(engine, sessions):
    async with sessions.begin() as session:
        session.add_all(made := [busy_incident() for _ in range(3)])
    ids = [incident.id for incident in made]
    page_ids = [page.id for incident in made for page in incident.pages]
    with statements(engine) as sent:
        async with sessions.begin() as session:
            one = await read_incidents(session, ids[:1])
            three = await read_incidents(session, ids)
            by_pages = await read_incidents(session, page_ids=page_ids[:2])
            more = await read_incidents(session, page_ids=page_ids)
            await session.execute(ATTEMPTING, {"pages": page_ids[:1], "now": NOW})
            await session.execute(ATTEMPTING, {"pages": page_ids, "now": NOW})
    assert list(one) == ids[:1] and list(three) == ids
    assert list(by_pages) == ids[:1] and list(more) == ids
    if engine.dialect.name == "postgresql":
        # By id, by page (a subquery), and the mark: three texts for six statements.
        assert len(texts(sent, "SELECT incidents.id")) == 2
        assert len(texts(sent, "UPDATE pages")) == 1
