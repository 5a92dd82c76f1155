"""Taking outbox messages for delivery, and recording how their deliveries ended."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.slack.waiting import WAITING
from bot.store import OutboxMessage, OutboxStatus, one_of, table_of

CLAIM_LEASE = timedelta(seconds=60)

_OUTBOX = table_of(OutboxMessage)


@dataclass(frozen=True)
class Taken:
    """A message taken for delivery: what the worker needs of its row."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


def _claimable(table: Any, now: Any) -> ColumnElement[bool]:
    """Pending and due, or claimed by a worker whose lease ran out (it died) and that is not
    the caller's own delivery still running (in_flight)."""
    return or_(
        and_(table.c.status == OutboxStatus.PENDING, table.c.next_attempt_at <= now),
        and_(
            table.c.status == OutboxStatus.SENDING,
            table.c.claimed_until < now,
            not_(one_of(table.c.id, "in_flight")),
        ),
    )


def _claim_statement() -> Any:
    """One UPDATE … RETURNING that takes due messages with no earlier undelivered message on
    their key. Built once, on the table (no ORM objects): the claim runs after every
    delivery, and building the statement or the rows it returns cost more than running it.
    A row another worker (or process) took between the inner SELECT and the UPDATE fails the
    outer condition and is skipped; a row another transaction holds (a change relying on
    that message to show it, see WAITING_KIND) is skipped until it commits."""
    now: Any = bindparam("now")
    limit: Any = bindparam("limit")
    outbox, earlier = _OUTBOX, _OUTBOX.alias("earlier")
    blocked = exists().where(
        earlier.c.key == outbox.c.key,
        earlier.c.id < outbox.c.id,
        earlier.c.status.in_(WAITING),
    )
    due = (
        select(outbox.c.id)
        .where(_claimable(outbox, now), ~blocked)
        .order_by(outbox.c.id)
        .limit(limit)
        .with_for_update(of=outbox, skip_locked=True)
        # A WITH query, run once. As a subquery of the UPDATE, PostgreSQL ran it again for
        # each row it updated, and each run skipped the rows updated so far: a claim of 1 took
        # every due message.
        .cte("due")
    )
    return (
        update(outbox)
        .where(outbox.c.id.in_(select(due.c.id)), _claimable(outbox, now))
        .values(
            status=OutboxStatus.SENDING,
            claimed_until=bindparam("until"),
            attempts=outbox.c.attempts + 1,
        )
        .returning(outbox.c.id, outbox.c.kind, outbox.c.payload, outbox.c.attempts)
    )


_CLAIM = _claim_statement()


async def claim_due(
    session: AsyncSession, now: datetime, limit: int, *, in_flight: Collection[int] = ()
) -> list[Taken]:
    """Take due messages for delivery; rows another worker (or process) took are skipped.

    A claim whose lease ran out (its worker died) is taken back, unless it is one of
    in_flight: the caller's own deliveries, still running."""
    rows = await session.execute(
        _CLAIM,
        {"now": now, "limit": limit, "in_flight": list(in_flight), "until": now + CLAIM_LEASE},
    )
    return sorted((Taken(*row) for row in rows), key=lambda m: m.id)


def _unless_null(column: Any) -> Any:
    """The parameter named like column, or the column's value as it is when that is NULL."""
    return func.coalesce(bindparam(column.key, type_=column.type), column)


# How a delivery ended, for many messages in one executemany. A NULL parameter leaves its
# column as it was: a sent message keeps its last error, a retried one its sent_at (none).
ENDED = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("message_id"))
    .values(
        status=bindparam("status", type_=_OUTBOX.c.status.type),
        claimed_until=None,
        sent_at=_unless_null(_OUTBOX.c.sent_at),
        last_error=_unless_null(_OUTBOX.c.last_error),
        next_attempt_at=_unless_null(_OUTBOX.c.next_attempt_at),
    )
)
