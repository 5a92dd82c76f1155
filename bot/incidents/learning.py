"""The classifier's memory: corrections responders made, kept as examples in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.incidents.classifier import Example
from bot.store import ClassifierExample, Incident

# The most recent corrections the classifier compares a report with.
LEARNED_LIMIT = 2000


_LEARNED = (
    select(
        ClassifierExample.text,
        ClassifierExample.tier,
        ClassifierExample.category,
        ClassifierExample.incident_id,
    )
    .order_by(ClassifierExample.id.desc())
    .limit(LEARNED_LIMIT)
)


def report_text(title: str, description: str) -> str:
    """What the classifier reads of an incident."""
    return f"{title}\n{description}".strip()


async def learned_examples(session: AsyncSession) -> list[Example]:
    """Corrections kept so far, newest first (read on every declaration: as columns, not as
    objects the session would track)."""
    rows = await session.execute(_LEARNED)
    return [Example(r.text, r.tier, r.category, "learned", r.incident_id) for r in rows]


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
