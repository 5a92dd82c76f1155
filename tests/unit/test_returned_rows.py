"""New pages and timeline entries go in by Core as a flush begins, their ids and defaults read
back, and stay in the session as loaded (issue 15: the unit of work that inserted them was
most of a declaration's one flush). What the unit of work must still do (a parent not inserted
yet, a collection with other changes) it still does."""

from __future__ import annotations

from sqlalchemy import select

from bot.store import Incident, IncidentEvent, Page, PageKind, PageStatus, insert_now
from tests.support.sent_sql import statements
from tests.support.store_rows import NOW, bare_incident


def page(user: str, level: int = 1) -> Page:
    return Page(
        key=f"L{level}:{user}:1",
        kind=PageKind.PAGE,
        level=level,
        user=user,
        attempt=1,
        reason="declared",
        status=PageStatus.QUEUED,
        created_at=NOW,
    )


def event(kind: str, **link: object) -> IncidentEvent:
    return IncidentEvent(at=NOW, actor="U1", kind=kind, **link)


def written(sent: list[str]) -> list[str]:
    return [s.split("(", maxsplit=1)[0].strip() for s in sent if not s.startswith("BEGIN")]


async def stored(sessions, incident_id: int) -> tuple[list[tuple[int, str]], list[str]]:
    async with sessions() as session:
        incident = await session.get_one(Incident, incident_id)
        events = await session.scalars(
            select(IncidentEvent.kind)
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(IncidentEvent.id)
        )
        return [(p.id, p.user) for p in incident.pages], list(events)


async def test_new_pages_and_entries_get_ids_in_one_insert_each_and_stay_loaded(engine, sessions):
    async with sessions.begin() as session:
        incident = bare_incident()
        await insert_now(session, incident)
        pages = [page("U0SUP1"), page("U0SUP2"), page("U0DEV1", level=2)]
        incident.pages.extend(pages)
        entries = [event("declared", incident_id=incident.id), event("paged", incident=incident)]
        session.add_all(entries)
        with statements(engine) as sent:
            await session.flush()
        assert written(sent) == ["INSERT INTO pages", "INSERT INTO incident_events"]
        # Ids in the order the rows were made (a collection is ordered by them), defaults
        # and the incident's id read back: nothing left to load, nothing left to write.
        assert [p.id for p in pages] == sorted(p.id for p in pages)
        assert entries[0].id < entries[1].id
        assert all(p.incident_id == incident.id and p.sent_at is None for p in pages)
        assert [e.text for e in entries] == ["", ""]
        assert incident.pages == pages
        assert not session.dirty and not session.new
        with statements(engine) as sent:
            await session.flush()
        assert sent == []
    assert await stored(sessions, incident.id) == (
        [(p.id, p.user) for p in pages],
        ["declared", "paged"],
    )


async def test_a_page_of_an_incident_not_inserted_yet_goes_in_with_it(sessions):
    async with sessions.begin() as session:
        incident = bare_incident()
        session.add(incident)
        incident.pages.append(page("U0SUP1"))
        session.add(event("declared", incident=incident))
    assert await stored(sessions, incident.id) == (
        [(incident.pages[0].id, "U0SUP1")],
        ["declared"],
    )


async def test_a_collection_with_a_removal_is_still_written_in_full(sessions):
    async with sessions.begin() as session:
        incident = bare_incident()
        await insert_now(session, incident)
        incident.pages.append(page("U0SUP1"))
    async with sessions.begin() as session:
        incident = await session.get_one(Incident, incident.id)
        incident.pages.remove(incident.pages[0])  # delete-orphan: the old page goes
        incident.pages.append(page("U0SUP2"))
        await session.flush()
        assert [p.user for p in incident.pages] == ["U0SUP2"]
    pages, _ = await stored(sessions, incident.id)
    assert [user for _, user in pages] == ["U0SUP2"]


async def test_entries_of_many_incidents_go_in_one_statement_in_order(engine, sessions):
    """The watcher's wave: a chunk's incidents escalate in one transaction."""
    async with sessions.begin() as session:
        incidents = [bare_incident(source_key=f"t{n}") for n in range(3)]
        for incident in incidents:
            await insert_now(session, incident)
    async with sessions.begin() as session:
        loaded = [await session.get_one(Incident, i.id) for i in incidents]
        for incident in loaded:
            incident.pages.append(page("U0SUP1", level=2))
            session.add(event("escalated", incident_id=incident.id))
        with statements(engine) as sent:
            await session.flush()
        assert written(sent) == ["INSERT INTO pages", "INSERT INTO incident_events"]
    for incident in loaded:
        pages, events = await stored(sessions, incident.id)
        assert [user for _, user in pages] == ["U0SUP1"] and events == ["escalated"]
