"""Each Slack request is acted on once: a replayed copy, or Slack's retry of a request already
taken in, is recognised by what identifies it and answered without acting again."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.store import CLAIM_CONNECTIONS, SeenRequest, async_engine, table_of

log = logging.getLogger(__name__)

# The ack is due within 3 s, and a form's answer must fit in them too (FORM_ANSWER_WITHIN in
# handlers/replies.py): a claim that takes longer than this is not waited for.
CLAIM_WAIT = 0.5
# Slack's signatures are good for 5 minutes, so a copy older than that is refused anyway.
KEEP = timedelta(hours=1)
PRUNE_EVERY = timedelta(minutes=10)
# The requests that came in during one turn of the event loop are claimed together, in one
# statement: a burst of ten commands was ten claims (a transaction each on SQLite, a round trip
# each on PostgreSQL) queued before the tenth could be acked. More than this wait for the next.
CLAIM_BATCH = 500
# Built once, on the table (an ORM add and flush cost several times the INSERT): the keys not
# seen before come back, so the statement says itself which requests are new.
_SEEN_IF_NEW = {
    name: dialect.insert(table_of(SeenRequest))
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(table_of(SeenRequest).c.key)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def request_identity(body: Mapping[str, Any]) -> tuple[str, ...] | None:
    """What tells one request from a person apart from every other, yet is the same in every
    copy of it; None for a request that changes nothing (or carries no such identity)."""
    if body.get("command"):
        return _identity("command", body.get("trigger_id"))
    kind = str(body.get("type"))
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return _identity(
            kind,
            (body.get("user") or {}).get("id"),
            *(a.get("action_ts") for a in actions),
            *(a.get("action_id") for a in actions),
            extra=[a.get("block_id") for a in actions],
        )
    if kind in ("view_submission", "view_closed"):
        view = body.get("view") or {}
        # A form answered with errors stays open with the same id and hash: the next submit
        # comes with a new trigger id (and usually new values), so it is a new request.
        values = (view.get("state") or {}).get("values")
        return _identity(
            kind,
            view.get("id"),
            view.get("hash"),
            extra=[body.get("trigger_id"), json.dumps(values, sort_keys=True)],
        )
    if kind == "event_callback":
        return _identity("event", body.get("event_id"))
    if kind in ("shortcut", "message_action"):
        return _identity(kind, body.get("trigger_id"))
    # block_suggestion (a select asking for its options) only reads and needs its answer each
    # time; url_verification and ssl_check are answered by Bolt before this is asked.
    return None


def _identity(kind: str, *required: object, extra: Sequence[object] = ()) -> tuple[str, ...] | None:
    if not all(required):
        return None
    return (kind, *(str(p) for p in (*required, *extra)))


class SeenRequests:
    """The requests already taken in, kept in the database so every process sharing it agrees."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        database_url: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        # Every request waits for its claim before its ack, and on PostgreSQL each round trip
        # of it also waits for a turn of a loop busy with other work: claims there have
        # connections of their own, in autocommit and not pinged before use (a claim that fails
        # once after a restart lets its request through, as any failed claim does).
        self._engine: AsyncEngine | None = None
        self._autocommit: AsyncEngine | None = None
        backend = make_url(database_url).get_backend_name() if database_url else "sqlite"
        if database_url and backend == "postgresql":
            self._engine = async_engine(database_url, ping=False, connections=CLAIM_CONNECTIONS)
            self._autocommit = self._engine.execution_options(isolation_level="AUTOCOMMIT")
        self._if_new = _SEEN_IF_NEW[backend]
        self._pruned_at: datetime | None = None
        # The keys asked for in this turn of the loop, each with its askers' answers to come;
        # the claims running, held so they finish (and log) even once nobody waits for them.
        self._batch: dict[str, list[asyncio.Future[bool]]] | None = None
        self._claiming: set[asyncio.Task[None]] = set()

    async def is_repeat(self, body: Mapping[str, Any]) -> bool:
        """Claim this request; True when a copy of it was claimed before, so it must not act.

        The claim commits in its own transaction before any listener runs. A claim that fails
        or is slow lets the request through: acting twice in a database outage is better than
        not answering, and a claim that rolled back leaves nothing to block a retry with."""
        identity = request_identity(body)
        if identity is None:
            return False
        key = hashlib.sha256("\x1f".join(identity).encode()).hexdigest()
        claim = self._claim_soon(key)
        # Waited on without cancelling it (a slow claim finishes in the background), and
        # without the two more tasks wait_for(shield(…)) would make for every request.
        done, _ = await asyncio.wait((claim,), timeout=CLAIM_WAIT)
        if not done:
            log.warning("recording a %s request as seen is slow: handling it anyway", identity[0])
            claim.add_done_callback(_finished_late)
            return False
        try:
            first = claim.result()
        except Exception:
            log.warning(
                "could not record a %s request as seen: handling it anyway",
                identity[0],
                exc_info=True,
            )
            return False
        if not first:
            log.info("a repeated %s request was acknowledged and not acted on", identity[0])
        return not first

    async def claim(self, key: str) -> bool:
        """Record key as seen; False when it already was."""
        return await self._claim_soon(key)

    def _claim_soon(self, key: str) -> asyncio.Future[bool]:
        """Whether key is new, once claimed with every other key asked for in this turn of the
        event loop: the claim's task starts at the next turn, when they are all in."""
        batch = self._batch
        if batch is None or len(batch) >= CLAIM_BATCH:
            batch = self._batch = {}
            task = asyncio.ensure_future(self._claim_batch(batch))
            self._claiming.add(task)
            task.add_done_callback(self._claiming.discard)
        answer = asyncio.get_running_loop().create_future()
        batch.setdefault(key, []).append(answer)
        return answer

    async def _claim_batch(self, batch: dict[str, list[asyncio.Future[bool]]]) -> None:
        if self._batch is batch:
            self._batch = None  # what is asked from now on goes in the next claim
        try:
            new = await self._insert_new(list(batch))
        except Exception as exc:
            for answers in batch.values():
                for answer in answers:
                    if not answer.done():  # an asker that was cancelled has no answer to get
                        answer.set_exception(exc)
            return
        await self._prune_now_and_then()
        for key, answers in batch.items():
            # The same request twice at once: the first is new, if the key was; the rest copies.
            for number, answer in enumerate(answers):
                if not answer.done():
                    answer.set_result(number == 0 and key in new)

    async def _insert_new(self, keys: list[str]) -> set[str]:
        """Record keys as seen; the ones that were not already."""
        now = self._clock.now()
        rows = [{"key": key, "created_at": now} for key in keys]
        statement = self._if_new.values(rows)
        if self._autocommit is not None:
            # One statement on a connection in autocommit: one round trip, where a
            # transaction takes three.
            async with self._autocommit.connect() as connection:
                return set((await connection.execute(statement)).scalars())
        async with self._sessions.begin() as session:
            return set((await session.execute(statement)).scalars())

    async def close(self) -> None:
        """Release the claims' own connections."""
        if self._engine is not None:
            await self._engine.dispose()

    async def prune(self) -> None:
        """Forget keys older than KEEP."""
        now = self._clock.now()
        self._pruned_at = now
        # SKIP LOCKED: processes pruning at once take different rows instead of deadlocking.
        old = (
            select(SeenRequest.key)
            .where(SeenRequest.created_at < now - KEEP)
            .limit(10_000)
            .with_for_update(skip_locked=True)
        )
        async with self._sessions.begin() as session:
            await session.execute(delete(SeenRequest).where(SeenRequest.key.in_(old)))

    async def _prune_now_and_then(self) -> None:
        if self._pruned_at is not None and self._clock.now() - self._pruned_at < PRUNE_EVERY:
            return
        try:
            await self.prune()
        except Exception:
            log.warning("could not forget old request keys", exc_info=True)


def _finished_late(claim: asyncio.Future[bool]) -> None:
    if not claim.cancelled() and claim.exception() is not None:
        log.warning("a late request claim failed", exc_info=claim.exception())
