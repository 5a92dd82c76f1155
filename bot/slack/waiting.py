"""What waits on an outbox key, as one transaction knows it: what it queued, what it read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import OutboxMessage, OutboxStatus, one_of, table_of

# Messages not yet delivered for good (a claimed one may be handed back).
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)
# session.info key of a batched transaction's queue (Outbox.transaction(batch=True)).
BATCHED = "outbox.batch"
# session.info key of the kinds an unbatched transaction knows wait on each key.
QUEUED = "outbox.queued"
# Which of some kinds waits on a key: built once, asked for many messages. A change that
# finds one relies on it to show the change, so the row is locked until the change commits:
# a claim skips it meanwhile (it would render what is committed, without the change). A row
# a claim holds is skipped here: it is being sent, so the change queues its own message.
# SQLite has no row locks and needs none: its write lock keeps claims out of the way.
# On the table, not the mapped class: the ORM's handling of a statement on a mapped class (its
# autoflush among it) cost a third more than the query. What the transaction queued itself is
# known without asking (known_waiting); a batched transaction asks for all its keys at once
# as it ends (Outbox.read_waiting, the same locks), not with this.
_OUTBOX = table_of(OutboxMessage)
WAITING_KIND = (
    select(_OUTBOX.c.kind)
    .where(
        _OUTBOX.c.kind.in_(bindparam("kinds", expanding=True)),
        _OUTBOX.c.key == bindparam("key"),
        _OUTBOX.c.status == OutboxStatus.PENDING,
    )
    .limit(1)
    .with_for_update(skip_locked=True)
)
# What waits on some keys, locked as WAITING_KIND locks (Outbox.read_waiting): one statement
# however many keys (bot/store/lists.py).
WAITING_ON_KEYS = (
    select(_OUTBOX.c.key, _OUTBOX.c.kind)
    .where(one_of(_OUTBOX.c.key, "keys"), _OUTBOX.c.status == OutboxStatus.PENDING)
    .with_for_update(skip_locked=True)
)


@dataclass(frozen=True)
class Queued:
    """A message a batched transaction queued, to be written as it ends."""

    kind: str
    key: str
    payload: dict[str, Any]
    # A coalesced message on a key not read yet: written only if none of these kinds waits on
    # its key by then (read as the batch ends, one query for every such key).
    unless: frozenset[str] | None = None


@dataclass
class Batch:
    """Messages a batched transaction queues, written together just before it commits."""

    queued: list[Queued] = field(default_factory=list)
    # Kinds waiting on a key: read up front (read_waiting) or queued in this transaction.
    waiting: dict[str, set[str]] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)  # keys whose waiting kinds were read
    stored: dict[str, set[str]] = field(default_factory=dict)  # what the reads found


def known_waiting(session: AsyncSession, batch: Batch | None) -> dict[str, set[str]]:
    """Kinds known to wait on each key: those the transaction queued or found waiting (and in
    a batch, those read_waiting read). Kept for the transaction, not the session: after a
    commit the worker may have sent what was queued."""
    if batch is not None:
        return batch.waiting
    transaction = session.sync_session.get_transaction()
    known: tuple[object, dict[str, set[str]]] | None = session.info.get(QUEUED)
    if known is None or known[0] is not transaction:
        known = session.info[QUEUED] = (transaction, {})
    return known[1]
