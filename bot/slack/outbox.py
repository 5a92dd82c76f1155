"""The durable outbox: Slack side effects written in the same transaction as their cause."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.clock import Clock
from bot.store import OutboxMessage, OutboxStatus

CLAIM_LEASE = timedelta(seconds=60)
# Messages not yet delivered for good (a claimed one may be handed back).
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


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


class Outbox:
    """Queues messages inside a caller's transaction and wakes the delivery worker."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._wakeup = asyncio.Event()

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
        (a post not yet sent needs no edit)."""
        if coalesce:
            waiting = await session.scalar(
                select(OutboxMessage.id).where(
                    OutboxMessage.kind.in_((kind, *covered_by)),
                    OutboxMessage.key == key,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
            )
            if waiting is not None:
                return
        now = self._clock.now()
        session.add(
            OutboxMessage(
                key=key,
                kind=kind,
                payload=payload,
                status=OutboxStatus.PENDING,
                attempts=0,
                created_at=now,
                next_attempt_at=now,
            )
        )

    @asynccontextmanager
    async def transaction(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> AsyncIterator[AsyncSession]:
        """A transaction whose queued messages the worker hears about once it commits."""
        async with sessions.begin() as session:
            yield session
        self.wake()

    def wake(self) -> None:
        """Tell the worker there is something to deliver (call after commit)."""
        self._wakeup.set()

    async def wait(self, timeout: float) -> None:
        """Sleep until woken or timeout, whichever is first."""
        try:
            await asyncio.wait_for(self._wakeup.wait(), timeout)
        except TimeoutError:
            pass
        self._wakeup.clear()


async def due_messages(session: AsyncSession, now: datetime, limit: int) -> list[OutboxMessage]:
    """Pending messages that are due and have no earlier undelivered message on their key."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        and_(
            earlier.key == OutboxMessage.key,
            earlier.id < OutboxMessage.id,
            earlier.status.in_(WAITING),
        )
    )
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            ~blocked,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def claim_due(
    session: AsyncSession, now: datetime, limit: int, *, in_flight: Collection[int] = ()
) -> list[OutboxMessage]:
    """Take due messages for delivery; rows another worker (or process) took are skipped.

    A claim whose lease ran out (its worker died) is taken back, unless it is one of
    in_flight: the caller's own deliveries, still running."""
    expired = [OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now]
    if in_flight:
        expired.append(OutboxMessage.id.notin_(list(in_flight)))
    await session.execute(
        update(OutboxMessage)
        .where(*expired)
        .values(status=OutboxStatus.PENDING, claimed_until=None)
    )
    ids = [m.id for m in await due_messages(session, now, limit)]
    if not ids:
        return []
    claimed = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(
            status=OutboxStatus.SENDING,
            claimed_until=now + CLAIM_LEASE,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage)
    )
    return sorted(claimed.all(), key=lambda m: m.id)
