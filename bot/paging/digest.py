"""One re-page for a person's unanswered pages, instead of one DM per incident per round.

When the watcher re-pages someone, it brings their other re-pages that would fall due soon
forward (due_soon_for), and links every unanswered page they hold to the re-page it is making
(link): that page's DM is the digest and lists them all, each with its Acknowledge. Pages
queued with it go out in it, not on their own; pages the person already has a DM for are
listed too and keep their own DM. Everything is linked in the watcher's transaction, so the
DMs, delivered concurrently, never race to gather the same pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import (
    LIVE_PAGES,
    EscalationStep,
    Incident,
    IncidentStatus,
    Page,
    PageKind,
    PageStatus,
    StepKind,
    StepStatus,
)
from bot.timeline import PageFields

# A DM holds at most 50 blocks; each incident takes two.
MOST = 20
# The longest a re-page is brought forward (half the longest seed interval, Tier 3's hour).
PULL_HORIZON = timedelta(minutes=30)


async def link(session: AsyncSession, trigger: Page) -> bool:
    """Make trigger's DM list the person's other unanswered pages; False when there are none."""
    rows = await session.execute(
        select(Page, Incident)
        .join(Incident, Page.incident_id == Incident.id)
        .where(
            Page.user == trigger.user,
            Page.kind == PageKind.PAGE,
            Page.status.in_(LIVE_PAGES),
            Page.incident_id != trigger.incident_id,
            Incident.acknowledged_at.is_(None),
            Incident.status != IncidentStatus.RESOLVED,
        )
        .order_by(Page.id)
        # A page another transaction holds (its incident is being changed) goes on its own.
        .with_for_update(of=Page, skip_locked=True)
    )
    latest: dict[int, Page] = {}
    for page, _ in rows:
        latest[page.incident_id] = page
    if not latest:
        return False
    for page in list(latest.values())[: MOST - 1]:
        page.digest_of = trigger.id
    trigger.digest_of = trigger.id
    return True


def rides_along(page: PageFields) -> bool:
    """A page that goes out in another page's DM, not in one of its own."""
    return page.digest_of is not None and page.digest_of != page.id and page.ts is None


def taken_along(linked: list[Page], now: datetime) -> None:
    """The queued pages a digest carries are sent with it."""
    for page in linked:
        if rides_along(page) and page.status == PageStatus.QUEUED:
            page.status, page.attempted_at, page.sent_at = PageStatus.SENT, now, now
            page.note = "sent in one re-page with the person's other pages"


async def gathered(session: AsyncSession, trigger: Page) -> list[tuple[Page, Incident]]:
    """The pages a digest shows, its own first."""
    rows = await session.execute(
        select(Page, Incident)
        .join(Incident, Page.incident_id == Incident.id)
        .where(Page.digest_of == trigger.id)
        .order_by(Page.id != trigger.id, Incident.tier, Page.id)
    )
    return [(page, incident) for page, incident in rows]


async def due_soon_for(
    session: AsyncSession, incident: Incident, level: int, now: datetime
) -> list[tuple[EscalationStep, Incident]]:
    """Re-pages of other incidents, for the people just re-paged on this one, that would fall
    due within half their own interval: sent now, they leave in one DM with this one.

    Each step and its incident come locked; ones another transaction holds are left alone."""
    people = {
        p.user
        for p in incident.pages
        if p.kind == PageKind.PAGE and p.level == level and p.status in LIVE_PAGES
    }
    if not people:
        return []
    rows = await session.execute(
        select(EscalationStep.id, EscalationStep.incident_id)
        .join(Page, Page.incident_id == EscalationStep.incident_id)
        .where(
            EscalationStep.kind == StepKind.REPAGE,
            EscalationStep.status == StepStatus.PENDING,
            EscalationStep.incident_id != incident.id,
            EscalationStep.due_at <= now + PULL_HORIZON,
            Page.user.in_(people),
            Page.level == EscalationStep.level,
            Page.kind == PageKind.PAGE,
            Page.status.in_(LIVE_PAGES),
        )
        .distinct()
    )
    found = []
    for step_id, incident_id in rows:
        other = await session.scalar(
            select(Incident).where(Incident.id == incident_id).with_for_update(skip_locked=True)
        )
        step = await session.scalar(
            select(EscalationStep)
            .where(EscalationStep.id == step_id, EscalationStep.status == StepStatus.PENDING)
            .with_for_update(skip_locked=True)
        )
        if other is None or step is None or step.level is None:
            continue
        every, _ = other.policy.cadence(other.tier, step.level)
        if step.due_at - now <= every / 2:
            found.append((step, other))
    return found
