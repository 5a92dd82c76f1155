"""An incident and its pages read for a message, without the ORM's bookkeeping."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Incident, IncidentEvent, Page, table_of

_INCIDENTS = table_of(Incident)
_EVENTS = table_of(IncidentEvent)
_PAGES = table_of(Page)
# Built once: building a statement and its cache key cost about what running it does.
# Incidents by id or by page, then their pages: two statements however many there are (a
# worker's claim reads all of its incidents at once).
_INCIDENTS_BY_ID = select(_INCIDENTS).where(_INCIDENTS.c.id.in_(bindparam("ids", expanding=True)))
_INCIDENTS_OF_PAGES = select(_INCIDENTS).where(
    _INCIDENTS.c.id.in_(
        select(_PAGES.c.incident_id).where(_PAGES.c.id.in_(bindparam("page_ids", expanding=True)))
    )
)
_THEIR_PAGES = (
    select(_PAGES)
    .where(_PAGES.c.incident_id.in_(bindparam("ids", expanding=True)))
    .order_by(_PAGES.c.id)
)

# session.info key: the records read with share=True in the session, by incident id.
_SHARED = "store.records.shared"

_ENTRIES = (
    select(
        _EVENTS.c.id,
        _EVENTS.c.at,
        _EVENTS.c.actor,
        _EVENTS.c.kind,
        _EVENTS.c.text,
        _INCIDENTS.c.post_channel,
        _INCIDENTS.c.post_ts,
    )
    .join(_INCIDENTS, _INCIDENTS.c.id == _EVENTS.c.incident_id)
    .where(_EVENTS.c.id.in_(bindparam("event_ids", expanding=True)))
)


class IncidentRecord:
    """An incident's columns as attributes (its policy, states and times typed as on the
    model), with its pages in id order: what an Incident with its pages shows, read with two
    Core statements. Loading the ORM objects cost twice as much, and a delivery only reads.
    Nothing written to it is saved.

    The columns are copied into the instance as it is made: a message reads most of them,
    several times (a declaration's four page DMs each show the incident), and a plain
    attribute costs a fraction of a row's lookup by name. shown keeps what a view made of
    it (bot/timeline): a record never changes, so neither does its view."""

    def __init__(self, row: Row[Any], pages: Sequence[Row[Any]]) -> None:
        self.__dict__.update(row._mapping)
        self.pages = pages
        self.shown: Any = None

    def __getattr__(self, name: str) -> Any:
        # Only for a name that is not a column (every column is an attribute): typed as the
        # row's, so an IncidentRecord reads as the incident it is.
        raise AttributeError(name)


async def read_incident(
    session: AsyncSession, incident_id: int | None = None, *, page_id: int | None = None
) -> IncidentRecord | None:
    """The incident (or the incident of page_id) with its pages, or None if there is none."""
    if page_id is not None:
        found = await read_incidents(session, page_ids=[page_id])
    else:
        found = await read_incidents(session, [] if incident_id is None else [incident_id])
    return next(iter(found.values()), None)


async def read_incidents(
    session: AsyncSession,
    incident_ids: Collection[int] = (),
    *,
    page_ids: Collection[int] = (),
    share: bool = False,
) -> dict[int, IncidentRecord]:
    """Incidents by id (or the incidents of page_ids) with their pages, in two statements;
    ids that name nothing are left out.

    share: for the hooks of one worker's claim (bot/slack/worker.py), which run one after
    the other in its transaction, those that write first: what one of them read is kept in
    the session, and a later one that asks for the same incidents by id takes it as it is
    (a declaration's post and page DMs, claimed together, show the same incident)."""
    kept: dict[int, IncidentRecord] = session.info.setdefault(_SHARED, {}) if share else {}
    if kept and not page_ids and all(i in kept for i in incident_ids):
        return {i: kept[i] for i in incident_ids}
    if page_ids:
        found = await session.execute(_INCIDENTS_OF_PAGES, {"page_ids": list(page_ids)})
    else:
        found = await session.execute(_INCIDENTS_BY_ID, {"ids": list(incident_ids)})
    rows = found.all()
    if not rows:
        return {}
    pages: dict[int, list[Row[Any]]] = {row.id: [] for row in rows}
    for page in await session.execute(_THEIR_PAGES, {"ids": list(pages)}):
        pages[page.incident_id].append(page)
    records = {row.id: IncidentRecord(row, pages[row.id]) for row in rows}
    if share:
        kept.update(records)
    return records


async def read_entries(
    session: AsyncSession, event_ids: Collection[int]
) -> dict[int, Row[*tuple[Any, ...]]]:
    """Timeline entries by id (at, actor, kind, text), each with where its incident's post is
    (post_channel, post_ts): what their thread replies need, in one statement. An entry that
    is gone is left out."""
    rows = await session.execute(_ENTRIES, {"event_ids": list(event_ids)})
    return {row.id: row for row in rows}


async def read_entry(session: AsyncSession, event_id: int) -> Row[*tuple[Any, ...]] | None:
    """One timeline entry, as read_entries reads it; None when it is gone."""
    return (await read_entries(session, [event_id])).get(event_id)
