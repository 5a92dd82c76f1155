"""The outbox worker: claims due messages and delivers them, retrying what may succeed later."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.models import OutboxMessage
from bot.outbox import Outbox, claim, due_messages, release_expired_claims
from bot.slack_gateway import SlackCallFailed

log = logging.getLogger(__name__)

BATCH = 50
MAX_BACKOFF = timedelta(minutes=5)
IDLE_POLL_SECONDS = 1.0

# What a handler learned from Slack (a post's ts, a channel id), written in the transaction
# that marks the message sent. Handlers call Slack outside any transaction: on SQLite an open
# write transaction would hold the database lock for the whole HTTP round trip.
Writeback = Callable[[AsyncSession], Awaitable[None]]
Handler = Callable[[dict[str, Any]], Awaitable[Writeback | None]]


class DeliveryWorker:
    """Delivers outbox messages: in id order per key, concurrently across keys."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox,
        clock: Clock,
        handlers: Mapping[str, Handler],
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._clock = clock
        self._handlers = handlers

    async def deliver_due(self) -> int:
        """One pass: deliver every message due now; returns how many were attempted."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            await release_expired_claims(session, now)
            due = [
                (m.id, m.kind, m.payload, m.attempts)
                for m in await due_messages(session, now, BATCH)
            ]
        mine = []
        for message_id, kind, payload, attempts in due:
            async with self._sessions.begin() as session:
                if await claim(session, message_id, now):
                    mine.append(self._deliver(message_id, kind, payload, attempts + 1))
        await asyncio.gather(*mine)
        return len(mine)

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver until stopping is set; a crash in one pass never stops the loop."""
        while not stopping.is_set():
            try:
                attempted = await self.deliver_due()
            except Exception:
                log.exception("outbox pass failed; trying again")
                attempted = 0
            if not attempted:
                await self._outbox.wait(IDLE_POLL_SECONDS)

    async def _deliver(
        self, message_id: int, kind: str, payload: dict[str, Any], attempt: int
    ) -> None:
        handler = self._handlers.get(kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for outbox kind {kind!r}")
            writeback = await handler(payload)
            async with self._sessions.begin() as session:
                if writeback is not None:
                    await writeback(session)
                await self._mark(session, message_id, status="sent", sent_at=self._clock.now())
        except SlackCallFailed as exc:
            if exc.transient:
                await self._retry(message_id, attempt, exc.error, exc.retry_after)
            else:
                log.error("outbox %s #%s failed for good: %s", kind, message_id, exc)
                await self._fail(message_id, str(exc))
        except LookupError as exc:
            log.error("outbox %s #%s dropped: %s", kind, message_id, exc)
            await self._fail(message_id, str(exc))
        except Exception as exc:
            log.exception("outbox %s #%s crashed; will retry", kind, message_id)
            await self._retry(message_id, attempt, type(exc).__name__, None)

    async def _retry(self, message_id: int, attempt: int, error: str, after: float | None) -> None:
        wait = (
            timedelta(seconds=after)
            if after
            else min(timedelta(seconds=2 ** min(attempt, 10)), MAX_BACKOFF)
        )
        async with self._sessions.begin() as session:
            await self._mark(
                session,
                message_id,
                status="pending",
                last_error=error,
                next_attempt_at=self._clock.now() + wait,
                claimed_until=None,
            )

    async def _fail(self, message_id: int, error: str) -> None:
        async with self._sessions.begin() as session:
            await self._mark(session, message_id, status="failed", last_error=error[:2000])

    @staticmethod
    async def _mark(session: AsyncSession, message_id: int, **values: Any) -> None:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
        )
