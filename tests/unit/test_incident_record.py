"""A delivery's Core read of an incident shows exactly what the ORM's would (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from bot.config import Plan, Policy
from bot.store import (
    Incident,
    IncidentEvent,
    IncidentStatus,
    Page,
    PageKind,
    PageStatus,
    read_entries,
    read_entry,
    read_incident,
    read_incidents,
)
from bot.timeline import IncidentView
from tests.support.sent_sql import statements

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


async def test_the_core_read_shows_what_the_orm_read_shows(sessions):
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


async def test_many_incidents_read_at_once_show_what_each_read_alone_shows(sessions):
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


async def test_an_incident_with_no_pages_reads_with_none(sessions):
    """Its pages come in the incident's own statement: one with none is still read."""
    async with sessions.begin() as session:
        quiet = busy_incident()
        quiet.pages = []
        session.add_all(made := [quiet, busy_incident()])
    async with sessions() as session:
        found = await read_incidents(session, [incident.id for incident in made])
    assert [p.id for p in found[made[0].id].pages] == []
    assert [p.id for p in found[made[1].id].pages] == [p.id for p in made[1].pages]
    page = found[made[1].id].pages[0]
    assert page.status is PageStatus.DECLINED and page.created_at == NOW
    assert page.created_at.tzinfo is not None


async def test_a_claims_hooks_share_one_read_of_an_incident(engine, sessions):
    """The page DMs' hook reads the incident by its pages; the post's, by its id, takes that
    read in the same claim (one claim takes a declaration's post and page DMs together)."""
    sent: list[str] = []

    def keep(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("SELECT"):
            sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", keep)
    async with sessions.begin() as session:
        session.add_all(made := [busy_incident(), busy_incident()])
    first, second = made
    async with sessions() as session:
        by_page = await read_incidents(session, page_ids=[first.pages[0].id], share=True)
        sent.clear()
        shared = await read_incidents(session, [first.id], share=True)
        assert sent == []
        assert shared == by_page and shared[first.id] is by_page[first.id]
        # What was not read yet, or read without sharing, is read: one statement each, the
        # incidents with their pages (it was two, pages apart).
        both = await read_incidents(session, [first.id, second.id], share=True)
        assert set(both) == {first.id, second.id} and len(sent) == 1
        await read_incidents(session, [first.id])
        assert len(sent) == 2
    async with sessions() as session:
        # Kept for one session only.
        assert (await read_incidents(session, [first.id], share=True))[first.id] is not (
            shared[first.id]
        )
        assert len(sent) == 3


async def test_a_record_is_viewed_once(sessions):
    """A declaration's four page DMs show one incident: its view is made once, not per DM."""
    async with sessions.begin() as session:
        session.add(incident := busy_incident())
    async with sessions() as session:
        record = await read_incident(session, incident.id)
        again = await read_incident(session, incident.id)
    assert record is not None and again is not None
    assert IncidentView.of(record) is IncidentView.of(record)
    assert IncidentView.of(again) == IncidentView.of(record)
    assert IncidentView.of(again) is not IncidentView.of(record)


async def test_a_claims_timeline_entries_are_read_in_one_statement(engine, sessions):
    """The timeline replies' hook reads every entry a claim took at once, each as it reads
    alone, with its incident's post; an entry that is gone is left out."""
    async with sessions.begin() as session:
        session.add_all(made := [busy_incident(), busy_incident()])
        for n, incident in enumerate(made):
            incident.events.append(
                IncidentEvent(at=NOW, actor="U1", kind="paged", text=f"level {n + 1}")
            )
    event_ids = [incident.events[0].id for incident in made]
    async with sessions() as session:
        alone = {i: await read_entry(session, i) for i in event_ids}
        with statements(engine) as sent:
            together = await read_entries(session, [*event_ids, max(event_ids) + 1])
        assert await read_entry(session, max(event_ids) + 1) is None
    assert len(sent) == 1
    assert together == alone
    assert sorted((row.text, row.post_ts) for row in together.values()) == [
        ("level 1", "1700000000.000100"),
        ("level 2", "1700000000.000100"),
    ]
