"""What deliveries learned is written together (issue 15): writebacks that are one statement's
parameters (RowWrite, as page DMs' and posts' ts are) go in one executemany a statement per
pass, each one's follow-up after them, and the other writebacks as before."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FixedClock
from bot.slack import DeliveryWorker, Kind, Outbox, RowWrite
from bot.store import Incident, OutboxMessage, insert_now, table_of
from bot.timeline import IncidentLog, incident_key
from tests.support.sent_sql import statements
from tests.support.store_rows import NOW, bare_incident

_INCIDENTS = table_of(Incident)
POSTED = (
    update(_INCIDENTS)
    .where(_INCIDENTS.c.id == bindparam("incident"))
    .values(post_ts=bindparam("ts"))
)
CHANNEL = (
    update(_INCIDENTS)
    .where(_INCIDENTS.c.id == bindparam("incident"))
    .values(dedicated_channel=bindparam("channel"))
)


async def new_incidents(sessions: async_sessionmaker[AsyncSession], count: int) -> list[int]:
    ids: list[int] = []
    async with sessions.begin() as session:
        for _ in range(count):
            await insert_now(session, made := bare_incident())
            ids.append(made.id)
    return ids


async def test_a_pass_writes_each_statement_once_for_every_delivery_that_shares_it(
    engine, sessions
):
    clock = FixedClock(NOW)
    outbox = Outbox(clock)
    followed: list[tuple[int, int]] = []

    async def post(payload: dict[str, Any]) -> RowWrite:
        async def then(session: AsyncSession) -> None:
            # After every row of its statement: each post's ts is there to read.
            unposted = await session.scalar(
                select(func.count()).select_from(Incident).where(Incident.post_ts.is_(None))
            )
            followed.append((payload["incident"], unposted))

        values = {"incident": payload["incident"], "ts": f"1700.{payload['incident']}"}
        return RowWrite(POSTED, values, then)

    async def channel(payload: dict[str, Any]) -> RowWrite:
        return RowWrite(CHANNEL, {"incident": payload["incident"], "channel": "C0INC"})

    ids = await new_incidents(sessions, 3)
    async with outbox.transaction(sessions) as session:
        for incident_id in ids:
            named = {"incident": incident_id}
            await outbox.add(session, Kind.POST_INCIDENT, f"incident:{incident_id}", named)
            await outbox.add(session, Kind.CREATE_CHANNEL, f"channel:{incident_id}", named)
    handlers = {Kind.POST_INCIDENT: post, Kind.CREATE_CHANNEL: channel}
    worker = DeliveryWorker(sessions, outbox, clock, handlers)
    with statements(engine) as sent:
        assert await worker.deliver_due() == 6
    updates = [s for s in sent if s.startswith("UPDATE incidents")]
    async with sessions() as session:
        stored = (
            await session.execute(select(Incident.id, Incident.post_ts, Incident.dedicated_channel))
        ).all()
    # Six deliveries, two statements: one for the posts' ts, one for the channels.
    assert len(updates) == 2, updates
    assert sorted(stored) == [(i, f"1700.{i}", "C0INC") for i in ids]
    assert sorted(followed) == [(i, 0) for i in ids]


async def test_messages_the_writebacks_queue_are_written_together_as_the_record_ends(
    engine, sessions
):
    """A DM's writeback queues a post edit (the Paged field shows it went out): the edits of a
    pass go in as one INSERT when the record ends, each coalesced as before, and are there for
    the claim that follows. Each used to be flushed on its own by the next one's query."""
    clock = FixedClock(NOW)
    outbox = Outbox(clock)
    log = IncidentLog(outbox, clock)

    async def dm(payload: dict[str, Any]) -> RowWrite:
        values = {"incident": payload["incident"], "ts": f"1700.{payload['incident']}"}
        return RowWrite(POSTED, values, partial(log.show, incident_id=payload["incident"]))

    ids = await new_incidents(sessions, 3)
    async with outbox.transaction(sessions) as session:
        for incident_id in ids:
            for user in ("U1", "U2"):
                key = f"page:{incident_id}:{user}"
                await outbox.add(session, Kind.PAGE, key, {"incident": incident_id})
    worker = DeliveryWorker(sessions, outbox, clock, {Kind.PAGE: dm})
    with statements(engine) as sent:
        assert await worker.deliver_due() == 6
    inserts = [s for s in sent if s.startswith("INSERT INTO outbox")]
    async with sessions() as session:
        edits = (
            await session.scalars(
                select(OutboxMessage.key).where(OutboxMessage.kind == Kind.UPDATE_INCIDENT)
            )
        ).all()
    assert len(inserts) == 1, inserts
    # Two DMs of each incident, one edit of its post.
    assert sorted(edits) == sorted(incident_key(i) for i in ids)
