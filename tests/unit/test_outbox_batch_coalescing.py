"""Coalescing in a batched transaction: decided as the batch ends, with one read for every key.

The outbox worker records a pass's page DMs in one batched transaction, and each DM that went
out shows on its incident's post: an edit, coalesced into one still waiting. Each of those
asked the table on its own (a round trip each, two a declaration under load); now the batch
reads what waits on all their keys at once as it ends, and drops the edits something waiting
makes needless, as each would have been dropped when queued.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import event, select

from bot.clock import FixedClock
from bot.slack import Kind, Outbox
from bot.slack.claims import claim_due
from bot.store import OutboxMessage, async_engine, session_factory


def key(incident: int) -> str:
    return f"incident:{incident}"


async def waiting(sessions: Any) -> Counter[tuple[str, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.key, OutboxMessage.kind).where(OutboxMessage.status == "pending")
        )
        return Counter((k, kind) for k, kind in rows)


async def test_a_batch_asks_once_what_waits_for_all_its_coalesced_messages(
    database_url, clock: FixedClock
):
    engine = async_engine(database_url, inline=True)
    sessions = session_factory(engine)
    outbox = Outbox(clock)
    reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "outbox" in statement:
            reads.append(statement)

    try:
        async with sessions.begin() as session:
            # Incident 1's post is not sent yet; incident 3 has an edit waiting.
            await outbox.add(session, Kind.POST_INCIDENT, key(1), {"incident": 1})
            await outbox.add(session, Kind.UPDATE_INCIDENT, key(3), {"incident": 3})
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        async with outbox.transaction(sessions, batch=True) as session:
            for incident in (1, 2, 2, 3, 4, 5, 5):
                await outbox.add(
                    session,
                    Kind.UPDATE_INCIDENT,
                    key(incident),
                    {"incident": incident},
                    coalesce=True,
                    covered_by=(Kind.POST_INCIDENT,),
                )
            # Queued for certain after them: it does not make an edit before it needless.
            await outbox.add(session, Kind.TIMELINE, key(4), {"incident": 4, "event": 1})
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert len(reads) == 1, reads
        assert await waiting(sessions) == {
            (key(1), Kind.POST_INCIDENT): 1,  # shows the change when it goes: no edit
            (key(2), Kind.UPDATE_INCIDENT): 1,  # one edit for the two changes
            (key(3), Kind.UPDATE_INCIDENT): 1,  # the edit waiting shows it
            (key(4), Kind.UPDATE_INCIDENT): 1,
            (key(4), Kind.TIMELINE): 1,
            (key(5), Kind.UPDATE_INCIDENT): 1,
        }
        async with sessions() as session:
            order = list(
                await session.scalars(
                    select(OutboxMessage.kind)
                    .where(OutboxMessage.key == key(4))
                    .order_by(OutboxMessage.id)
                )
            )
        assert order == [Kind.UPDATE_INCIDENT, Kind.TIMELINE]  # in the order queued
    finally:
        await engine.dispose()


async def test_a_change_in_a_batch_is_shown_however_a_claim_races_it(
    database_url, clock: FixedClock
):
    """Either the waiting edit is claimed only once the change has committed (on SQLite the
    write lock, on PostgreSQL the row lock the batch's read takes), or a claim took it before
    that read and the batch queues an edit of its own: never a change left unshown."""
    engine = async_engine(database_url, inline=True)
    sessions = session_factory(engine)
    outbox = Outbox(clock)
    try:
        async with sessions.begin() as session:
            await outbox.add(session, Kind.UPDATE_INCIDENT, key(1), {"incident": 1})
        committed = asyncio.Event()
        claimed_before_commit: list[int] = []

        async def claim() -> list[int]:
            async with sessions.begin() as session:
                taken = [m.id for m in await claim_due(session, clock.now(), 10)]
            if not committed.is_set():
                claimed_before_commit.extend(taken)
            return taken

        async with outbox.transaction(sessions, batch=True) as change:
            await outbox.add(change, Kind.UPDATE_INCIDENT, key(1), {"incident": 1}, coalesce=True)
            racing = asyncio.create_task(claim())
            await asyncio.sleep(0.5)
        committed.set()
        await racing
        async with sessions() as session:
            edits = list(await session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
        # An edit that nothing claimed before the change committed is there to show it.
        assert [e for e in edits if e not in claimed_before_commit], (edits, claimed_before_commit)
    finally:
        await engine.dispose()
