"""The outbox worker: claims due messages and delivers them, retrying what may succeed later."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.slack.acks_first import AcksFirst
from bot.slack.claims import CLAIM_LEASE, ENDED, Taken, claim_due
from bot.slack.gateway import SlackCallFailed
from bot.slack.outbox import Outbox
from bot.store import OutboxStatus

log = logging.getLogger(__name__)

BATCH = 50
MAX_IN_FLIGHT = 100
DELIVERY_TIMEOUT = CLAIM_LEASE / 2
MAX_BACKOFF = timedelta(minutes=5)
IDLE_POLL_SECONDS = 1.0
GATHER_SECONDS = 0.002
NOT_YET_WAIT = timedelta(seconds=1)

# What a handler learned from Slack (a post's ts, a channel id), written in the transaction
# that marks the message sent. Handlers call Slack outside any transaction: on SQLite an open
# write transaction would hold the database lock for the whole HTTP round trip.
# Handlers get the stored payload with "attempt" added: 1 on the first try; a later try may
# have been preceded by one Slack carried out but whose answer never came back.
Writeback = Callable[[AsyncSession], Awaitable[None]]


@dataclass(frozen=True)
class RowWrite:
    """A writeback that is one statement's parameters (a page DM's ts): the worker sends those
    of a pass that share a statement together, one executemany for all, then runs each one's
    then. Four page DMs recorded together were four UPDATEs."""

    statement: Executable
    params: dict[str, Any]
    then: Writeback | None = None


Handler = Callable[[dict[str, Any]], Awaitable[Writeback | RowWrite | None]]
# What must be written before a handler calls Slack (a page marked attempted), or read for it,
# run in the claim's transaction with the payloads of every message just claimed whose kind
# names it (once per claim, however many kinds): one statement for the batch instead of a
# transaction per message. Hooks run in the order given: those that write first.
Claimed = Callable[[AsyncSession, list[dict[str, Any]]], Awaitable[None]]


class NotYet(Exception):
    """What a delivery needs is on its way on another key (the incident post a runbook
    replies under, sent but its ts not yet recorded): try again shortly. Not a failure."""


def _forget(in_flight: dict[int, asyncio.Task[None]], message_id: int, _: object) -> None:
    in_flight.pop(message_id, None)


@dataclass(frozen=True)
class Outcome:
    """How one delivery ended: sent (maybe with a writeback), retry later, or failed for good."""

    message_id: int
    status: OutboxStatus
    writeback: Writeback | RowWrite | None = None
    error: str | None = None
    retry_after: timedelta | None = None


class DeliveryWorker:
    """Delivers outbox messages: in id order per key, concurrently across keys."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox,
        clock: Clock,
        handlers: Mapping[str, Handler],
        *,
        claimed: Mapping[str, Claimed] | None = None,
        acks: AcksFirst | None = None,
        first: Collection[str] = (),
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._clock = clock
        self._handlers = handlers
        self._claimed = claimed or {}
        self._hooks = list(dict.fromkeys(self._claimed.values()))
        self._acks = acks or AcksFirst()
        # Kinds whose deliveries start before the others a claim took (page DMs: someone is
        # woken by them; the post and the channel can wait the few ms the DMs take to go).
        self._first = frozenset(first)
        # Deliveries that ended and are not recorded yet (the run loop records them).
        self._ended: list[Outcome] = []

    async def deliver_due(self) -> int:
        """One pass: claim what is due, deliver it, record the outcomes (together, as a pass of
        run does; one by one if that fails); returns the count."""
        claimed = self._in_turn(await self._record_and_claim([], BATCH, ()))
        await self._record_safely(list(await asyncio.gather(*map(self._deliver_message, claimed))))
        return len(claimed)

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver until stopping is set; a crash in one claim never stops the loop.

        Claims overlap deliveries: what was queued a moment ago goes out while slower calls
        from an earlier claim are still waiting on Slack (a page is not held up behind them).
        Each pass records every delivery that ended since the last one and claims what is due
        in one transaction: a delivery is recorded as soon as the loop hears of it, not behind
        a slow one (a crash meanwhile would send it again), and what it unblocked on its key
        is claimed at once. Per-key order still holds: a message is not claimed while an
        earlier one on its key is being sent."""
        in_flight: dict[int, asyncio.Task[None]] = {}
        while not stopping.is_set():
            await self._acks.turn()
            if self._ended and in_flight:
                # Others are still out: give them a moment to end too, and record them in the
                # same pass (each pass is a write transaction; a declaration's dozen deliveries
                # end a few ms apart). Not when new messages are queued: a declaration's page
                # DMs went out 2 ms later for it, one at a time behind the last one's deliveries.
                await self._outbox.until_queued(GATHER_SECONDS)
            # Each delivery that ended, each commit that queued a message, woke the loop
            # after it happened: this pass sees them all. Left set, those wake-ups made a pass
            # of their own afterwards, with nothing to record or claim.
            self._outbox.heard()
            ended, self._ended = self._ended, []
            room = min(BATCH, MAX_IN_FLIGHT - len(in_flight))
            claimed = await self._record_safely(ended, room, in_flight)
            for message in self._in_turn(claimed):
                task = asyncio.create_task(self._deliver_in_background(message))
                in_flight[message.id] = task
                task.add_done_callback(partial(_forget, in_flight, message.id))
            if (room <= 0 or len(claimed) < room) and not self._ended:
                # Nothing more is due until a new message or a finished delivery (which may
                # free a key) wakes the loop.
                await self._outbox.wait(IDLE_POLL_SECONDS)
        if in_flight:
            await asyncio.gather(*in_flight.values(), return_exceptions=True)
        await self._record(self._ended)

    def _in_turn(self, claimed: list[Taken]) -> list[Taken]:
        """The order a claim's deliveries start in: the first kinds first, else as claimed (a
        claim takes one message a key, so no key's order changes)."""
        return sorted(claimed, key=lambda message: message.kind not in self._first)

    async def _deliver_in_background(self, message: Taken) -> None:
        try:
            await self._acks.turn()
            outcome = await self._deliver_message(message)
            # Appended once it ended: the loop swaps the list for a new one as it records.
            self._ended.append(outcome)
        finally:
            self._outbox.wake()

    async def _deliver_message(self, message: Taken) -> Outcome:
        return await self._deliver(message.id, message.kind, message.payload, message.attempts)

    async def _record_and_claim(
        self, ended: list[Outcome], limit: int, in_flight: Collection[int]
    ) -> list[Taken]:
        """Record how deliveries ended, then claim up to limit due messages and write what
        their kinds need written before they are sent (claimed hooks), in one transaction."""
        async with self._sessions.begin() as session:
            await self._write(session, ended)
            if limit <= 0:
                return []
            claimed = await claim_due(session, self._clock.now(), limit, in_flight=in_flight)
            # Each hook once, with the payloads of every kind it is for, in the order the
            # hooks were given: one that writes goes before those that read what it wrote.
            payloads: dict[Claimed, list[dict[str, Any]]] = {}
            for message in claimed:
                if (hook := self._claimed.get(message.kind)) is not None:
                    payloads.setdefault(hook, []).append(message.payload)
            for hook in self._hooks:
                if hook in payloads:
                    await hook(session, payloads[hook])
            return claimed

    async def _record_safely(
        self, ended: list[Outcome], limit: int = 0, in_flight: Collection[int] = ()
    ) -> list[Taken]:
        """_record_and_claim; if that fails, each outcome recorded on its own and nothing
        claimed (the next pass claims it)."""
        try:
            return await self._record_and_claim(ended, limit, in_flight)
        except Exception:
            log.exception("outbox claim failed; recording what ended one by one")
            await self._record(ended)
            return []

    async def _record(self, ended: list[Outcome]) -> None:
        """Record outcomes one transaction each: one that cannot be written (its writeback
        fails) must not take the others with it."""
        for outcome in ended:
            try:
                async with self._sessions.begin() as session:
                    await self._write(session, [outcome])
            except Exception:
                # The claim runs out and another pass takes the message again.
                log.exception("outbox #%s could not be recorded", outcome.message_id)

    async def _deliver(
        self, message_id: int, kind: str, payload: dict[str, Any], attempt: int
    ) -> Outcome:
        handler = self._handlers.get(kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for outbox kind {kind!r}")
            # Well inside the claim's lease, so no other worker takes it back meanwhile. (A
            # timeout scope, not wait_for: that would wrap every delivery in one more task.)
            async with asyncio.timeout(DELIVERY_TIMEOUT.total_seconds()):
                writeback = await handler({**payload, "attempt": attempt})
            return Outcome(message_id, OutboxStatus.SENT, writeback=writeback)
        except NotYet as exc:
            log.debug("outbox %s #%s waits: %s", kind, message_id, exc)
            return self._retry(message_id, attempt, f"waiting: {exc}", NOT_YET_WAIT)
        except SlackCallFailed as exc:
            if exc.transient:
                after = timedelta(seconds=exc.retry_after) if exc.retry_after else None
                return self._retry(message_id, attempt, exc.error, after)
            log.error("outbox %s #%s failed for good: %s", kind, message_id, exc)
            return Outcome(message_id, OutboxStatus.FAILED, error=str(exc))
        except LookupError as exc:
            log.error("outbox %s #%s dropped: %s", kind, message_id, exc)
            return Outcome(message_id, OutboxStatus.FAILED, error=str(exc))
        except Exception as exc:
            log.exception("outbox %s #%s crashed; will retry", kind, message_id)
            return self._retry(message_id, attempt, type(exc).__name__, None)

    @staticmethod
    def _retry(message_id: int, attempt: int, error: str, after: timedelta | None) -> Outcome:
        wait = after or min(timedelta(seconds=2 ** min(attempt, 10)), MAX_BACKOFF)
        return Outcome(message_id, OutboxStatus.PENDING, error=error, retry_after=wait)

    async def _write(self, session: AsyncSession, ended: list[Outcome]) -> None:
        """Write how deliveries ended, with what each learned (its writeback): the writebacks
        (RowWrites one executemany a statement, then their follow-ups), then every message's
        row in one executemany."""
        if not ended:
            return
        # What the writebacks queue (a post edit showing a page DM went out) is written as the
        # record ends, in one statement, before the claim that may take it.
        async with self._outbox.batched(session):
            await self._write_outcomes(session, ended)

    async def _write_outcomes(self, session: AsyncSession, ended: list[Outcome]) -> None:
        now = self._clock.now()
        rows: list[dict[str, Any]] = []
        together: dict[Executable, list[dict[str, Any]]] = {}
        after: list[Writeback] = []
        for outcome in ended:
            sent = outcome.status == OutboxStatus.SENT
            writeback = outcome.writeback if sent else None
            if isinstance(writeback, RowWrite):
                together.setdefault(writeback.statement, []).append(writeback.params)
                if writeback.then is not None:
                    after.append(writeback.then)
            elif writeback is not None:
                await writeback(session)
            rows.append(
                {
                    "message_id": outcome.message_id,
                    "status": outcome.status,
                    "sent_at": now if sent else None,
                    "last_error": None if sent else (outcome.error or "")[:2000],
                    "next_attempt_at": (
                        now + outcome.retry_after if outcome.retry_after is not None else None
                    ),
                }
            )
        for statement, params in together.items():
            await session.execute(statement, params if len(params) > 1 else params[0])
        for then in after:
            await then(session)
        await session.execute(ENDED, rows)
