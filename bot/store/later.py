"""Batched transactions: rows nobody reads back before commit, written as the transaction ends
in one INSERT a table (SQLite hands back no ids for a many-row INSERT in order, so rows the ORM
must know the id of are inserted one statement each)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Base

# session.info key of the rows a batched transaction writes as it ends.
LATER = "store.later"


def begin_batch(session: AsyncSession) -> None:
    """From now until end_batch, insert_later collects rows instead of adding them."""
    session.info[LATER] = {}


def insert_later(session: AsyncSession, model: type[Base], row: dict[str, Any]) -> None:
    """A new row: in a batch, written with the others of its table as the batch ends;
    otherwise added to the session as usual."""
    rows: dict[type[Base], list[dict[str, Any]]] | None = session.info.get(LATER)
    if rows is None:
        session.add(model(**row))
    else:
        rows.setdefault(model, []).append(row)


async def end_batch(session: AsyncSession) -> None:
    """Write the batch's rows (in the order collected, table by table) and leave batch mode."""
    rows: dict[type[Base], list[dict[str, Any]]] = session.info.pop(LATER, {})
    for model, values in rows.items():
        # The table, not the ORM's bulk insert: that splits rows by which values are None.
        await session.execute(insert(Base.metadata.tables[model.__tablename__]), values)


def drop_batch(session: AsyncSession) -> None:
    """Leave batch mode without writing (the transaction is rolling back)."""
    session.info.pop(LATER, None)
