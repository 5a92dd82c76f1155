"""Coalescing into a waiting edit never loses a change to a claim racing its commit.

A change that finds an edit of its incident still waiting relies on that edit to show it. The
edit must not be claimed (and rendered from what is committed) until the change commits,
or the change is never shown: on SQLite the write lock sees to it, on PostgreSQL the row lock
the coalescing read takes, which a claim skips.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.clock import FixedClock
from bot.slack import Kind, Outbox
from bot.slack.claims import claim_due
from bot.store import OutboxMessage, async_engine, session_factory

KEY = "incident:1"


async def test_a_waiting_edit_is_not_claimed_before_the_change_relying_on_it_commits(
    database_url, clock: FixedClock
):
    engine = async_engine(database_url, inline=True)
    sessions = session_factory(engine)
    outbox = Outbox(clock)
    try:
        async with sessions.begin() as session:
            await outbox.add(session, Kind.UPDATE_INCIDENT, KEY, {"incident": 1})

        async def claim() -> list[int]:
            async with sessions.begin() as session:
                return [m.id for m in await claim_due(session, clock.now(), 10)]

        async with outbox.transaction(sessions) as change:
            await outbox.add(change, Kind.UPDATE_INCIDENT, KEY, {"incident": 1}, coalesce=True)
            racing = asyncio.create_task(claim())
            await asyncio.sleep(0.5)
            early = racing.result() if racing.done() else []
        # On SQLite the claim waited for the write lock; on PostgreSQL it skipped the edit.
        later = await racing or await claim()
        async with sessions() as session:
            edits = list(await session.scalars(select(OutboxMessage.id)))
        assert len(edits) == 1  # the change relied on the waiting edit
        assert early == []  # …which no claim took while the change was still open
        assert later == edits
    finally:
        await engine.dispose()
