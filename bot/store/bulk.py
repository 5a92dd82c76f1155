"""Rows nobody reads back as objects (outbox messages, escalation steps) are inserted in one
statement per table and flush, not one per row.

The ORM inserts new objects one at a time on SQLite: it reads each row's id back, and SQLite
gives no order-preserving way to read several. A Tier 1 declaration writes seven steps and
seven messages; one executemany each is one round trip (on SQLite, one hop to aiosqlite's
thread) instead of seven. Rows go in the order they were added, so outbox ids (the delivery
order on a key) stay as they were."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import instance_state

from bot.store.models import EscalationStep, OutboxMessage

WRITE_ONLY = (OutboxMessage, EscalationStep)


def _values(row: Any) -> dict[str, Any]:
    # Only what was set: an unset column keeps its default, as the ORM would give it.
    return {
        c.key: row.__dict__[c.key]
        for c in inspect(row).mapper.column_attrs
        if c.key in row.__dict__
    }


@event.listens_for(Session, "before_flush")
def insert_in_bulk(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Take the write-only rows out of the flush and insert them in bulk first."""
    for model in WRITE_ONLY:
        new = sorted(
            (row for row in session.new if type(row) is model),
            key=lambda row: instance_state(row).insert_order or 0,
        )
        if len(new) < 2:
            continue
        connection = session.connection()
        values = [_values(row) for row in new]
        # executemany needs the same columns in every row: consecutive runs of them, in order.
        for _, run in groupby(values, key=tuple):
            connection.execute(insert(model), list(run))
        for row in new:
            session.expunge(row)
