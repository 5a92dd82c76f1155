"""A delivery's Core read of an incident shows exactly what the ORM's would (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import Plan, Policy
from bot.store import (
    Incident,
    IncidentStatus,
    Page,
    PageKind,
    PageStatus,
    async_engine,
    read_incident,
    read_incidents,
    session_factory,
)
from bot.timeline import IncidentView

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def busy_incident() -> Incident:
    """Every column a view shows set, pages in several states and kinds."""
    incident = Incident(
        title="checkout is broken",
        description="since the deploy",
        tier=1,
        category="payments",
        suggested=True,
        matched_phrase="checkout",
        status=IncidentStatus.ACKNOWLEDGED,
        reporter="U1",
        level=2,
        created_at=NOW,
        updated_at=NOW,
        ack_due_at=NOW + timedelta(minutes=15),
        resolve_due_at=NOW + timedelta(hours=4),
        acknowledged_at=NOW + timedelta(minutes=5),
        acknowledged_by="U0SUP1",
        post_channel="C0INCIDENTS",
        post_ts="1700000000.000100",
        dedicated_channel="C0INC1",
        policy=Policy.of(Plan()),
        ack_breached_at=NOW + timedelta(minutes=16),
        suggestion={"confidence": 0.8, "words": ["checkout"], "close_call": True},
    )
    for n, (user, status, kind) in enumerate(
        [
            ("U0SUP1", PageStatus.DECLINED, PageKind.PAGE),
            ("U0SUP2", PageStatus.SENT, PageKind.PAGE),
            ("U0SUP2", PageStatus.CANCELLED, PageKind.PAGE),
            ("U0DEV1", PageStatus.QUEUED, PageKind.NOTICE),
        ]
    ):
        incident.pages.append(
            Page(
                key=f"page:{n}",
                kind=kind,
                level=1 + n // 2,
                user=user,
                attempt=1 + n,
                reason="declared",
                status=status,
                created_at=NOW,
            )
        )
    return incident


async def test_the_core_read_shows_what_the_orm_read_shows(database_url):
    engine = async_engine(database_url, inline=True)
    sessions = session_factory(engine)
    try:
        async with sessions.begin() as session:
            session.add(incident := busy_incident())
        async with sessions() as session:
            orm = IncidentView.of(await session.get(Incident, incident.id))
        async with sessions() as session:
            record = await read_incident(session, incident.id)
            assert record is not None
            core = IncidentView.of(record)
            assert await read_incident(session, incident.id + 1) is None
        assert core == orm
        assert core.status is IncidentStatus.ACKNOWLEDGED
        assert core.created_at.tzinfo is not None and core.created_at == NOW
        assert [p.status for p in core.paged] == [
            PageStatus.DECLINED,
            PageStatus.CANCELLED,
            PageStatus.QUEUED,
        ]
        assert core.suggestion is not None and core.suggestion.close_call
    finally:
        await engine.dispose()


async def test_many_incidents_read_at_once_show_what_each_read_alone_shows(database_url):
    engine = async_engine(database_url, inline=True)
    sessions = session_factory(engine)
    try:
        async with sessions.begin() as session:
            session.add_all(made := [busy_incident(), busy_incident(), busy_incident()])
        ids = [incident.id for incident in made]
        async with sessions() as session:
            alone = {i: IncidentView.of(await read_incident(session, i)) for i in ids}
            by_id = await read_incidents(session, [*ids, max(ids) + 1])
            page_ids = [made[0].pages[1].id, made[2].pages[0].id]
            by_page = await read_incidents(session, page_ids=page_ids)
            assert await read_incidents(session, [max(ids) + 1]) == {}
        assert {i: IncidentView.of(r) for i, r in by_id.items()} == alone
        assert {i: IncidentView.of(r) for i, r in by_page.items()} == {
            ids[0]: alone[ids[0]],
            ids[2]: alone[ids[2]],
        }
        assert [p.id for p in by_id[ids[1]].pages] == [p.id for p in made[1].pages]
    finally:
        await engine.dispose()
