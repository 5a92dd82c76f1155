"""An incident and its pages read for a message, without the ORM's bookkeeping."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.lists import one_of
from bot.store.models import Incident, IncidentEvent, Page, table_of

_INCIDENTS = table_of(Incident)
_EVENTS = table_of(IncidentEvent)
_PAGES = table_of(Page)
# Built once: building a statement and its cache key cost about what running it does.
# Incidents by id or by page, each with its pages: one statement however many there are (a
# worker's claim reads all of its incidents at once), a row per page (one with no page
# columns for an incident with none). Two statements, incidents then their pages, were two
# round trips on the path to every page DM: each waits its turn on a busy event loop.
_PAGE_COLUMNS = tuple(column.label(f"page_{column.key}") for column in _PAGES.c)


def _with_pages(*where: Any) -> Any:
    return (
        select(_INCIDENTS, *_PAGE_COLUMNS)
        .outerjoin(_PAGES, _PAGES.c.incident_id == _INCIDENTS.c.id)
        .where(*where)
        .order_by(_INCIDENTS.c.id, _PAGES.c.id)
    )


_INCIDENTS_BY_ID = _with_pages(one_of(_INCIDENTS.c.id, "ids"))
_INCIDENTS_OF_PAGES = _with_pages(
    _INCIDENTS.c.id.in_(select(_PAGES.c.incident_id).where(one_of(_PAGES.c.id, "page_ids")))
)
_INCIDENT_KEYS = tuple(column.key for column in _INCIDENTS.c)
_PAGE_KEYS = tuple(column.key for column in _PAGES.c)
# Where a joined row's incident id and page id are (the page's None: an incident with none).
_INCIDENT_ID = _INCIDENT_KEYS.index("id")
_PAGE_ID = len(_INCIDENT_KEYS) + _PAGE_KEYS.index("id")

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
    .where(one_of(_EVENTS.c.id, "event_ids"))
)


class _Columns:
    """A row's columns as attributes (typed as the model's), copied in as it is made: a
    message reads most of them, several times, and a plain attribute costs a fraction of a
    row's lookup by name."""

    def __init__(self, columns: dict[str, Any]) -> None:
        self.__dict__.update(columns)

    def __getattr__(self, name: str) -> Any:
        # Only for a name that is not a column (every column is an attribute): typed as the
        # row's, so a record reads as the model it is.
        raise AttributeError(name)


class PageRecord(_Columns):
    """A page's columns, as an IncidentRecord's pages."""


class IncidentRecord(_Columns):
    """An incident's columns (its policy, states and times typed as on the model), with its
    pages in id order: what an Incident with its pages shows, read with one Core statement.
    Loading the ORM objects cost twice as much, and a delivery only reads. Nothing written to
    it is saved. A declaration's four page DMs each show the incident: shown keeps what a
    view made of it (bot/timeline); a record never changes, so neither does its view."""

    def __init__(self, columns: dict[str, Any], pages: list[PageRecord]) -> None:
        super().__init__(columns)
        self.pages = pages
        self.shown: Any = None


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
    """Incidents by id (or the incidents of page_ids) with their pages, in one statement;
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
    split = len(_INCIDENT_KEYS)
    records: dict[int, IncidentRecord] = {}
    for row in found:
        record = records.get(row[_INCIDENT_ID])
        if record is None:
            columns = dict(zip(_INCIDENT_KEYS, row[:split], strict=True))
            record = records[row[_INCIDENT_ID]] = IncidentRecord(columns, [])
        if row[_PAGE_ID] is not None:
            record.pages.append(PageRecord(dict(zip(_PAGE_KEYS, row[split:], strict=True))))
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
