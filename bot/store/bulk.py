"""Rows nobody reads back as objects (outbox messages, escalation steps) are inserted in one
statement per table and flush, not one per row; in a batched transaction, in one statement
per table as it ends.

The ORM reads each new row's id back (one INSERT … RETURNING per flush and table, on SQLite
too: bot/store/engine.py), and builds an object state for each. A Tier 1 declaration writes
seven steps and seven messages that nothing reads back: one executemany each, no RETURNING.
A batch (a declaration; the watcher's chunk of many incidents, whose reads flush often)
keeps them out of every flush until end_batch, and add_row keeps them as plain values: an
ORM object built only to be taken apart again at the flush costs more than its INSERT. Rows
go in the order they were added, so outbox ids (the delivery order on a key) stay as they were.

Rows whose ids are wanted but that are only ever added to their incident (pages, timeline
entries: RETURNED) go in by Core as a flush begins, their ids read back, and stay as loaded."""

from __future__ import annotations

from functools import cache
from itertools import groupby
from typing import Any

from sqlalchemy import Insert, event, insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import (
    MANYTOONE,
    Session,
    UOWTransaction,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import get_history, instance_state, set_committed_value

from bot.store.models import Base, EscalationStep, IncidentEvent, OutboxMessage, Page, table_of

WRITE_ONLY = (OutboxMessage, EscalationStep)
# New rows whose ids are wanted (an outbox message names a page or a timeline entry) and that
# are only ever added to their incident: inserted with RETURNING as the flush begins, then kept
# as loaded, outside the unit of work (its dependency sort, foreign key syncing and per-object
# bookkeeping cost more than the INSERT: 29 % of a declaration's CPU was its one flush).
RETURNED = (Page, IncidentEvent)
# session.info key of the rows a batched transaction writes as it ends, by table.
HELD = "store.bulk.held"

Rows = dict[type, list[dict[str, Any]]]


def _values(row: Any) -> dict[str, Any]:
    # Only what was set: an unset column keeps its default, as the ORM would give it.
    return {
        c.key: row.__dict__[c.key]
        for c in inspect(row).mapper.column_attrs
        if c.key in row.__dict__
    }


def _insert(session: Session, model: type, values: list[dict[str, Any]]) -> None:
    connection = session.connection()
    # executemany needs the same columns in every row: consecutive runs of them, in order.
    for _, run in groupby(values, key=tuple):
        connection.execute(insert(model), list(run))


@event.listens_for(Session, "before_flush")
def insert_in_bulk(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Take the write-only rows out of the flush: insert them in bulk first, or hold them
    for the end of the batch."""
    held: Rows | None = session.info.get(HELD)
    added = _new_rows(session)
    for model in WRITE_ONLY:
        new = added.get(model, [])
        if held is None and len(new) < 2:
            continue
        values = [_values(row) for row in new]
        for row in new:
            session.expunge(row)
        if held is None:
            _insert(session, model, values)
        else:
            held.setdefault(model, []).extend(values)
    for returned in RETURNED:
        _insert_returning_new(session, returned, added.get(returned, []))


def _insert_returning_new(session: Session, model: type[Base], new: list[Any]) -> None:
    """Insert the model's new rows that need no unit of work (_linked) by Core, reading back
    their ids and defaults, and keep them and their incidents' collections as loaded."""
    linked = [(row, links) for row in new if (links := _linked(row)) is not None]
    if not linked:
        return
    columns = [c.key for c in inspect(model).column_attrs]
    written = []
    for row, links in linked:
        given = _values(row) | _foreign_keys(links)
        # In the columns' order: rows that set the same columns share a statement.
        written.append((row, {key: given[key] for key in columns if key in given}))
    connection = session.connection()
    # One INSERT per run of rows that set the same columns (executemany needs them alike).
    for keys, run in groupby(written, key=lambda pair: tuple(pair[1])):
        rows, params = zip(*run, strict=True)
        returned = tuple(key for key in columns if key not in keys)
        found = connection.execute(_insert_returning(model, returned), list(params)).all()
        for row, given, got in zip(rows, params, found, strict=True):
            for key, value in (*given.items(), *zip(returned, got, strict=True)):
                if key not in row.__dict__:
                    setattr(row, key, value)
    _keep_loaded(session, linked)


def _keep_loaded(session: Session, linked: list[tuple[Base, list[tuple[Base, Any]]]]) -> None:
    # As insert_now leaves its row; and each parent's collection as loaded, when all it gained
    # is what was just inserted (anything else is the unit of work's to write).
    inserted = {id(row) for row, _ in linked}
    collections: dict[tuple[int, str], Base] = {}
    for row, links in linked:
        session.expunge(row)
        _as_loaded(session, row)
        for parent, relationship in links:
            if relationship.back_populates:
                collections[id(parent), relationship.back_populates] = parent
    for (_, key), parent in collections.items():
        history = get_history(parent, key)
        if not history.deleted and all(id(added) in inserted for added in history.added):
            set_committed_value(parent, key, list(getattr(parent, key)))


def _foreign_keys(links: list[tuple[Base, Any]]) -> dict[str, Any]:
    # What the unit of work would copy from each parent as it flushed (pages.incident_id).
    return {
        local.key: getattr(parent, inspect(parent).mapper.get_property_by_column(remote).key)
        for parent, relationship in links
        for local, remote in relationship.local_remote_pairs
    }


def _linked(row: Base) -> list[tuple[Base, Any]] | None:
    """The parents row names by relationship, each in the database with the collection that
    holds row loaded; None when the unit of work must insert it (a parent not inserted yet,
    or a collection of it not loaded, where the ORM keeps the addition pending)."""
    links = []
    for relationship in inspect(row).mapper.relationships:
        parent = row.__dict__.get(relationship.key)
        if relationship.direction is not MANYTOONE or parent is None:
            continue
        state = instance_state(parent)
        back = relationship.back_populates
        if state.key is None or (back is not None and back not in state.dict):
            return None
        links.append((parent, relationship))
    return links


def _new_rows(session: Session) -> dict[type, list[Any]]:
    """The session's new rows by model, each model's in the order they were added (one pass
    over session.new, which is built afresh at every call, for every model a flush handles)."""
    by_model: dict[type, list[Any]] = {}
    for row in sorted(session.new, key=lambda row: instance_state(row).insert_order or 0):
        by_model.setdefault(type(row), []).append(row)
    return by_model


def add_row(session: AsyncSession | Session, model: type, values: dict[str, Any]) -> None:
    """A write-only row: in a batch, held as values for its end (never an object); else an
    object that the next flush inserts in bulk with the others."""
    held: Rows | None = session.info.get(HELD)
    if held is None:
        session.add(model(**values))
    else:
        held.setdefault(model, []).append(values)


def begin_batch(session: AsyncSession) -> None:
    """From now until end_batch, new write-only rows are held back from every flush."""
    session.info[HELD] = {}


async def end_batch(session: AsyncSession) -> None:
    """Write the batch's rows (in the order added, table by table) and leave batch mode."""
    await session.flush()
    held: Rows = session.info.pop(HELD, {})
    for model, values in held.items():
        await session.run_sync(_insert, model, values)


def drop_batch(session: AsyncSession) -> None:
    """Leave batch mode without writing (the transaction is rolling back)."""
    session.info.pop(HELD, None)


@cache
def _insert_returning(model: type[Base], returned: tuple[str, ...]) -> Insert:
    table = table_of(model)
    # In the order of the parameters: with several rows, the ids go back to the right ones.
    return insert(table).returning(
        *(table.c[key] for key in returned), sort_by_parameter_order=True
    )


async def insert_now(session: AsyncSession, row: Base) -> None:
    """Insert a new row at once, as a flush would (its id and defaults read back), and keep it
    in the session as loaded: one Core INSERT … RETURNING. A declaration's incident, whose id
    its messages need before anything else is written, was flushed alone for it: the flush's
    unit of work took about 0.9 ms of CPU here (bench/declaration.py, SQLite: ORM flushes 3.3
    → 2.4 ms per declaration), its INSERT a fraction of that. Its collections start empty:
    nothing names a new row yet."""
    mapper = inspect(row).mapper
    if any(row.__dict__.get(r.key) for r in mapper.relationships if r.uselist):
        # Kept as loaded, they would never be written: add them once the row is in.
        raise ValueError(f"a new {type(row).__name__} inserted now must have no related rows")
    given = _values(row)
    returned = tuple(c.key for c in mapper.column_attrs if c.key not in given)
    connection = await session.connection()
    found = (await connection.execute(_insert_returning(type(row), returned), given)).one()
    for key, value in zip(returned, found, strict=True):
        setattr(row, key, value)
    for relationship in mapper.relationships:
        if relationship.uselist and relationship.key not in row.__dict__:
            setattr(row, relationship.key, [])
    _as_loaded(session, row)


def _as_loaded(session: AsyncSession | Session, row: Base) -> None:
    # A transient row whose columns are all set, made persistent as though a query had loaded
    # it: its values committed, nothing left for a flush to write.
    make_transient_to_detached(row)
    session.add(row)
