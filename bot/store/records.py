"""An incident and its pages read for a message, without the ORM's bookkeeping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Incident, Page

_INCIDENTS = cast(Table, Incident.__table__)
_PAGES = cast(Table, Page.__table__)
# Built once: building a statement and its cache key cost about what running it does.
_INCIDENT = select(_INCIDENTS).where(_INCIDENTS.c.id == bindparam("incident_id"))
_ITS_PAGES = (
    select(_PAGES).where(_PAGES.c.incident_id == bindparam("incident_id")).order_by(_PAGES.c.id)
)


class IncidentRecord:
    """An incident's columns as attributes (its policy, states and times typed as on the
    model), with its pages in id order: what an Incident with its pages shows, read with two
    Core statements. Loading the ORM objects cost twice as much, and a delivery only reads.
    Nothing written to it is saved."""

    __slots__ = ("_row", "pages")

    def __init__(self, row: Row[Any], pages: Sequence[Row[Any]]) -> None:
        self._row = row
        self.pages = pages

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


async def read_incident(session: AsyncSession, incident_id: int) -> IncidentRecord | None:
    """The incident with its pages, or None if there is no such incident."""
    row = (await session.execute(_INCIDENT, {"incident_id": incident_id})).one_or_none()
    if row is None:
        return None
    pages = (await session.execute(_ITS_PAGES, {"incident_id": incident_id})).all()
    return IncidentRecord(row, pages)
