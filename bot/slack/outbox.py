"""The durable outbox: Slack side effects written in the same transaction as their cause."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, nullcontext, suppress
from enum import StrEnum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.slack.waiting import (
    BATCHED,
    WAITING,
    WAITING_KIND,
    WAITING_ON_KEYS,
    Batch,
    Queued,
    known_waiting,
)
from bot.store import (
    Base,
    OutboxMessage,
    OutboxStatus,
    add_row,
    begin_batch,
    drop_batch,
    end_batch,
)


class Kind(StrEnum):
    """What an outbox message does when delivered."""

    POST_INCIDENT = "incident.post"
    UPDATE_INCIDENT = "incident.update"
    TIMELINE = "incident.timeline"
    CREATE_CHANNEL = "incident.channel"
    RATING_DM = "incident.rating_dm"
    PAGE = "page.send"
    UPDATE_PAGE = "page.update"
    ONCALL_COVER = "oncall.cover"
    ONCALL_HANDOFF = "oncall.handoff"
    POST_CHECKLIST = "checklist.post"
    UPDATE_CHECKLIST = "checklist.update"
    POST_REPORT = "report.post"
    REPORT_PART = "report.part"
    REPORT_CHART = "report.chart"
    POST_ALERT = "alert.post"
    UPDATE_ALERT = "alert.update"
    ALERT_REPLY = "alert.reply"


def _unflushed(payload: dict[str, Any]) -> bool:
    return any(isinstance(v, Base) and inspect(v).identity is None for v in payload.values())


def _ids(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload with the rows it names (a Page, an IncidentEvent) as their ids."""
    return {
        name: _primary_key(value) if isinstance(value, Base) else value
        for name, value in payload.items()
    }


def _primary_key(row: Base) -> Any:
    identity = inspect(row).identity
    if identity is None:
        raise ValueError(f"{type(row).__name__} named by an outbox message was never flushed")
    return identity[0]


class Outbox:
    """Queues messages inside a caller's transaction and wakes the delivery worker."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._wakeup = asyncio.Event()
        # Set when a transaction that queued messages commits, until the worker's next pass.
        self._queued = asyncio.Event()

    async def add(
        self,
        session: AsyncSession,
        kind: str,
        key: str,
        payload: dict[str, Any],
        *,
        coalesce: bool = False,
        covered_by: tuple[str, ...] = (),
    ) -> None:
        """Queue one message; with coalesce, skip it if one of its kind and key still waits.

        covered_by names kinds that, still waiting on the key, will show this change anyway
        (a post not yet sent needs no edit). A payload value may be a row not flushed yet (a
        Page, an IncidentEvent): the message names its id. In a batched transaction messages
        are written as it ends, in the order queued, with the rows they name; whether a
        coalesced one is needed is decided then too, with one read for all their keys."""
        batch: Batch | None = session.info.get(BATCHED)
        if coalesce:
            kinds = {kind, *covered_by}
            # What this transaction queued (or a batch read) waits at least until it commits.
            if known_waiting(session, batch).get(key, set()) & kinds:
                return
            if batch is not None and key not in batch.read:
                # Asked as the batch ends, for all such messages at once: a worker's pass
                # records the page DMs of many incidents, each shown on its incident's post (a
                # read each was two round trips a declaration).
                batch.queued.append(Queued(kind, key, payload, unless=frozenset(kinds)))
                return
            if batch is None and await self._waiting(session, key, kinds):
                return
        known_waiting(session, batch).setdefault(key, set()).add(kind)
        if batch is not None:
            batch.queued.append(Queued(kind, key, payload))
            return
        if _unflushed(payload):
            await session.flush()
        session.add(OutboxMessage(**self._row(kind, key, payload)))

    def _row(self, kind: str, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        now = self._clock.now()
        return {
            "key": key,
            "kind": kind,
            "payload": _ids(payload),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }

    async def _waiting(self, session: AsyncSession, key: str, kinds: set[str]) -> bool:
        """In an unbatched transaction: whether a message of one of kinds waits on key in the
        table (what the transaction queued itself is known without asking)."""
        # Through the session, so what is pending is flushed first, as before any statement.
        waiting = await session.scalar(WAITING_KIND, {"kinds": sorted(kinds), "key": key})
        if waiting is not None:
            known_waiting(session, None).setdefault(key, set()).add(waiting)
        return waiting is not None

    async def on_its_way(self, session: AsyncSession, key: str, kind: str) -> bool:
        """Whether a message of kind on key is still to be sent, or sent and not yet recorded
        (what Slack answered, such as a post's ts, is not written yet)."""
        found = await session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.key == key,
                OutboxMessage.kind == kind,
                OutboxMessage.status.in_(WAITING),
            )
            .limit(1)
        )
        return found is not None

    async def read_waiting(self, session: AsyncSession, keys: Iterable[str]) -> None:
        """In a batched transaction: what waits on these keys, read in one query, so that
        coalescing on them asks the database nothing more."""
        batch: Batch | None = session.info.get(BATCHED)
        if batch is None:
            return
        keys = [k for k in set(keys) if k not in batch.read]
        if not keys:
            return
        with session.no_autoflush:
            # Locked as WAITING_KIND locks them, for the same reason.
            rows = await session.execute(WAITING_ON_KEYS, {"keys": keys})
        for key, kind in rows:
            batch.waiting.setdefault(key, set()).add(kind)
            batch.stored.setdefault(key, set()).add(kind)
        batch.read.update(keys)

    async def _to_write(self, session: AsyncSession, batch: Batch) -> list[Queued]:
        """The batch's messages less the coalesced ones something waiting makes needless: on
        their keys, what waits in the table (read now) or was queued before them."""
        unsure = {message.key for message in batch.queued if message.unless is not None}
        if not unsure:
            return batch.queued
        await self.read_waiting(session, unsure)
        present = {key: set(batch.stored.get(key, ())) for key in unsure}
        kept = []
        for message in batch.queued:
            if message.unless is not None and present[message.key] & message.unless:
                continue
            present.setdefault(message.key, set()).add(message.kind)
            kept.append(message)
        return kept

    @asynccontextmanager
    async def transaction(
        self, sessions: async_sessionmaker[AsyncSession], *, batch: bool = False
    ) -> AsyncIterator[AsyncSession]:
        """A transaction whose queued messages the worker hears about once it commits.

        batch: its new rows and messages are written together as it ends (a few statements
        for many incidents) rather than as each is made (bot/store/bulk.py)."""
        async with sessions.begin() as session:
            async with self.batched(session) if batch else nullcontext():
                yield session
        self._queued.set()
        self.wake()

    @asynccontextmanager
    async def batched(self, session: AsyncSession) -> AsyncIterator[None]:
        """Within a transaction: the new rows and messages of the block are written together
        as it ends (in the order queued, with the rows they name), not flushed as each is made.
        A message queued in it is not written, so not found by a query, until the block ends."""
        session.info[BATCHED] = Batch()
        begin_batch(session)
        try:
            yield
            # The rows the messages name get their ids; then the messages and the other rows
            # written later, one statement a table.
            await session.flush()
            for message in await self._to_write(session, session.info[BATCHED]):
                row = self._row(message.kind, message.key, message.payload)
                add_row(session, OutboxMessage, row)
            await end_batch(session)
        finally:
            session.info.pop(BATCHED, None)
            drop_batch(session)

    def wake(self) -> None:
        """Tell the worker there is something to deliver (call after commit)."""
        self._wakeup.set()

    def heard(self) -> None:
        """The worker is about to look at everything queued or ended until now: a wake-up
        from before this is answered by what it does next, not by one more pass."""
        self._wakeup.clear()
        self._queued.clear()

    async def until_queued(self, timeout: float) -> None:
        """Wait up to timeout, unless a transaction queues messages first (or already has since
        the worker last looked): the worker's moment for more deliveries to end, which new
        messages (a declaration's page DMs) must not wait through."""
        if self._queued.is_set():
            return
        with suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._queued.wait()

    async def wait(self, timeout: float) -> None:
        """Sleep until woken or timeout, whichever is first."""
        try:
            async with asyncio.timeout(timeout):
                await self._wakeup.wait()
        except TimeoutError:
            pass
        self._wakeup.clear()
