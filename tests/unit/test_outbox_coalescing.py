"""A change that relies on a waiting message to show it holds that message until it commits
(issue 15's review): on PostgreSQL the worker could otherwise claim the message and render the
incident as it was before the change, and the change would never be shown."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.slack import Kind, Outbox
from bot.slack.outbox import claim_due
from bot.store import OutboxMessage, async_engine, session_factory

NOW = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)
KEY = "incident:1"


@pytest.fixture
def postgres_url(postgres_databases) -> str:
    # SQLite has one writer at a time and the app one connection to it: no claim can run
    # inside another transaction there.
    return postgres_databases.fresh()


async def test_a_claim_waits_for_the_change_that_coalesced_into_its_message(postgres_url):
    engine = async_engine(postgres_url)
    sessions = session_factory(engine)
    outbox = Outbox(FixedClock(NOW))
    try:
        async with sessions.begin() as session:  # the post edit some earlier change queued
            await outbox.add(session, Kind.UPDATE_INCIDENT, KEY, {"incident": 1})
        async with sessions.begin() as change:
            # The change (say, a resolve) finds the edit waiting and adds none of its own.
            await outbox.add(change, Kind.UPDATE_INCIDENT, KEY, {"incident": 1}, coalesce=True)

            async def claim() -> list[int]:
                async with sessions.begin() as worker:
                    return [m.id for m in await claim_due(worker, NOW, 10)]

            claiming = asyncio.ensure_future(claim())
            await asyncio.sleep(1.0)
            # Not claimed while the change is uncommitted: its handler would read the old state.
            assert not claiming.done()
        # Committed: the claim takes the one edit, which now renders the change.
        assert len(await asyncio.wait_for(claiming, 10)) == 1
    finally:
        await engine.dispose()


async def test_a_message_being_claimed_is_not_coalesced_into(postgres_url):
    """One a worker is claiming right now no longer counts as waiting: the change queues its
    own edit instead of waiting for the claim."""
    engine = async_engine(postgres_url)
    sessions = session_factory(engine)
    outbox = Outbox(FixedClock(NOW))
    try:
        async with sessions.begin() as session:
            await outbox.add(session, Kind.UPDATE_INCIDENT, KEY, {"incident": 1})
        async with sessions.begin() as worker:
            assert len(await claim_due(worker, NOW, 10)) == 1
            async with sessions.begin() as change:
                await asyncio.wait_for(
                    outbox.add(change, Kind.UPDATE_INCIDENT, KEY, {"incident": 1}, coalesce=True),
                    5,
                )
        async with sessions() as session:
            count = await session.scalar(select(func.count()).select_from(OutboxMessage))
        assert count == 2
    finally:
        await engine.dispose()
