"""The classifier's learned corrections, kept by each process and brought up to date at each
declaration (bot/incidents/learning.py): what another replica learns, rewrites or loses is seen
at the next read, and corrections learned long before are not read again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.incidents.learning import LearnedExamples, learn
from bot.store import Incident
from tests.support.sent_sql import statements
from tests.support.store_rows import bare_incident

NOW = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


async def learned(sessions, count: int, *, at: datetime) -> list[Incident]:
    """count incidents, each with a correction learned at `at` (a minute apart)."""
    made = []
    async with sessions.begin() as session:
        for _ in range(count):
            made.append(bare_incident())
            made[-1].tier = 3
            session.add(made[-1])
        await session.flush()
        for n, one in enumerate(made):
            await learn(session, one, by="U0SUP1", at=at + timedelta(minutes=n))
    return made


async def read(sessions, examples: LearnedExamples) -> list[tuple[int | None, int]]:
    async with sessions.begin() as session:
        return [(e.incident_id, e.tier) for e in await examples.read(session)]


async def test_what_another_replica_learns_or_rewrites_is_read_at_once(sessions):
    here = LearnedExamples()
    assert await read(sessions, here) == []
    first, second = await learned(sessions, 2, at=NOW)
    assert await read(sessions, here) == [(second.id, 3), (first.id, 3)]
    # Another replica retiers the first incident again: its correction is rewritten.
    async with sessions.begin() as session:
        again = await session.get(Incident, first.id)
        again.tier = 2
        await learn(session, again, by="U0SUP2", at=NOW + timedelta(hours=2))
    assert await read(sessions, here) == [(second.id, 3), (first.id, 2)]


async def test_corrections_learned_long_before_are_not_read_again(engine, sessions):
    """After the first read, a read is one statement that returns what was learned within
    RECENT of the newest correction. Shown here by changing an old row behind the reader's
    back, keeping its time (nothing the app does): it is not seen, while a recent one is."""
    here = LearnedExamples()
    old, recent = await learned(sessions, 2, at=NOW - timedelta(days=3))
    (newest,) = await learned(sessions, 1, at=NOW)
    await read(sessions, here)
    async with sessions.begin() as session:
        for one in (old, newest):
            await session.execute(
                sa.text("UPDATE classifier_examples SET tier = 1 WHERE incident_id = :id"),
                {"id": one.id},
            )
    with statements(engine) as sent:
        found = dict(await read(sessions, here))
    assert (found[old.id], found[recent.id], found[newest.id]) == (3, 3, 1)
    assert len([s for s in sent if s.lstrip().upper().startswith("SELECT")]) == 1, sent


async def test_a_reset_or_deleted_incidents_are_noticed(sessions):
    """Rows that went (their incident deleted, or every table emptied and filled again) are
    not in the recent ones: the count and the newest id tell, and it is all read again."""
    here = LearnedExamples()
    made = await learned(sessions, 3, at=NOW - timedelta(days=3))
    await learned(sessions, 1, at=NOW)
    assert len(await read(sessions, here)) == 4
    async with sessions.begin() as session:
        await session.execute(
            sa.text("DELETE FROM classifier_examples WHERE incident_id = :id"), {"id": made[0].id}
        )
    assert made[0].id not in dict(await read(sessions, here))
    async with sessions.begin() as session:
        await session.execute(sa.text("DELETE FROM classifier_examples"))
    assert await read(sessions, here) == []
    (fresh,) = await learned(sessions, 1, at=NOW - timedelta(days=9))
    assert await read(sessions, here) == [(fresh.id, 3)]
