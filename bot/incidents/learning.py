"""The classifier's memory: corrections responders made, kept as examples in the database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.incidents.classifier import Example
from bot.store import ClassifierExample, Incident

# The most recent corrections the classifier compares a report with.
LEARNED_LIMIT = 2000
# Corrections learned this long before the newest one seen are read again at every
# declaration: one written meanwhile, or rewritten, by another replica (whose clock may lag
# this one's a little) or committed late, is still caught.
RECENT = timedelta(hours=1)

_COLUMNS = (
    ClassifierExample.id,
    ClassifierExample.text,
    ClassifierExample.tier,
    ClassifierExample.category,
    ClassifierExample.incident_id,
    ClassifierExample.created_at,
)
_ALL = select(*_COLUMNS)
_SUMMARY = select(
    func.count().label("total"), func.max(ClassifierExample.id).label("newest")
).subquery()
_RECENT = select(*_COLUMNS).where(ClassifierExample.created_at >= bindparam("since")).subquery()
# How many there are and the newest id, with every correction learned since `since` (one row
# of NULLs for them when there is none): one statement a declaration, a few rows.
_CHANGES = select(_SUMMARY.c.total, _SUMMARY.c.newest, _RECENT).select_from(
    _SUMMARY.outerjoin(_RECENT, true())
)


def report_text(title: str, description: str) -> str:
    """What the classifier reads of an incident."""
    return f"{title}\n{description}".strip()


class _Kept(NamedTuple):
    id: int
    text: str
    tier: int
    category: str
    incident_id: int
    created_at: datetime


class LearnedExamples:
    """The corrections kept so far, held by this process and brought up to date at each read.

    Read in full at every declaration, they cost it more than the rest of its transaction
    once a team has some (bench/declaration.py --learned, SQLite: 3.4 ms of CPU with none,
    5.9 with 500, 11.7 with 2,000; 4.0 and 5.4 read this way). A read returns what was learned
    lately (RECENT) and how many there are in all; everything is read again only when that
    count or the newest id says rows came or went that the recent ones do not account for (a
    reset, incidents deleted)."""

    def __init__(self) -> None:
        self._kept: dict[int, _Kept] = {}
        self._since: datetime | None = None
        self._examples: list[Example] = []

    async def read(self, session: AsyncSession) -> list[Example]:
        """The most recent LEARNED_LIMIT corrections, newest first."""
        if self._since is None or not await self._caught_up(session):
            self._kept = {r.id: _Kept(*r) for r in await session.execute(_ALL)}
            self._changed()
        return self._examples

    async def _caught_up(self, session: AsyncSession) -> bool:
        """Take in what was learned lately; False when the count or the newest id says rows
        came or went that those do not account for (then it is all read again)."""
        rows = (await session.execute(_CHANGES, {"since": self._since})).all()
        changed = False
        for row in rows:
            # A correction's columns follow the count and the newest id (None: there is none).
            if row.id is not None and self._kept.get(row.id) != (kept := _Kept(*row[2:])):
                self._kept[row.id], changed = kept, True
        if rows[0].total != len(self._kept) or rows[0].newest != max(self._kept, default=None):
            return False
        if changed:
            self._changed()
        return True

    def _changed(self) -> None:
        newest = sorted(self._kept.values(), key=lambda kept: -kept.id)[:LEARNED_LIMIT]
        self._examples = [
            Example(k.text, k.tier, k.category, "learned", k.incident_id) for k in newest
        ]
        latest = max((kept.created_at for kept in self._kept.values()), default=None)
        self._since = None if latest is None else latest - RECENT


async def learn(session: AsyncSession, incident: Incident, *, by: str, at: datetime) -> None:
    """Keep the incident's report with the tier it now has (a later change rewrites it)."""
    kept = await session.scalar(
        select(ClassifierExample).where(ClassifierExample.incident_id == incident.id)
    )
    if kept is None:
        kept = ClassifierExample(incident_id=incident.id)
        session.add(kept)
    kept.text = report_text(incident.title, incident.description)
    kept.tier, kept.category = incident.tier, incident.category
    kept.learned_by, kept.created_at = by, at
