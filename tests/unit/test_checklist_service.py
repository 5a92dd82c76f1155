"""Checklists against real databases: one post per slot, late or missed, ticks never lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.errors import BadInput, NotAllowed
from bot.services import Services, build_services
from bot.store import record_first_start

FRIDAY_0901 = datetime(2026, 11, 27, 14, 1, tzinfo=UTC)  # 09:01 EST


@pytest.fixture
async def services(database_url: str, plan: Plan) -> AsyncIterator[Services]:
    built = build_services(Settings(database_url=database_url), plan, FixedClock(FRIDAY_0901))
    yield built
    await built.close()


def runs(db: sa.Engine) -> list[tuple[str, str]]:
    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT checklist, status FROM checklist_runs ORDER BY id"))
        return [(r.checklist, r.status) for r in rows]


def posts_queued(db: sa.Engine) -> int:
    with db.connect() as conn:
        return int(
            conn.scalar(sa.text("SELECT count(*) FROM outbox WHERE kind = 'checklist.post'"))
        )


async def test_each_slot_posts_once_and_old_slots_are_recorded_missed(services, db):
    posted = await services.checklists.post_due()
    assert [r.checklist for r in posted] == ["morning"]
    assert ("morning", "on_time") in runs(db)
    # Yesterday's 17:00 and older slots are past the grace period: missed, not posted.
    assert ("end-of-day", "missed") in runs(db) and ("monday", "missed") in runs(db)
    services.clock.at += timedelta(minutes=1)
    assert await services.checklists.post_due() == []
    assert posts_queued(db) == 1


async def test_a_restarted_bot_does_not_post_again(database_url, plan, db):
    for _ in range(2):
        fresh = build_services(Settings(database_url=database_url), plan, FixedClock(FRIDAY_0901))
        await fresh.checklists.post_due()
        await fresh.close()
    assert posts_queued(db) == 1


@pytest.mark.parametrize(("minutes", "status"), [(40, "late"), (61, "missed")])
async def test_late_within_the_grace_period_missed_after(database_url, plan, db, minutes, status):
    at = datetime(2026, 11, 27, 14, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    late = build_services(Settings(database_url=database_url), plan, FixedClock(at))
    await late.checklists.post_due()
    await late.close()
    assert ("morning", status) in runs(db)
    assert posts_queued(db) == (1 if status == "late" else 0)


async def test_replicas_racing_for_a_slot_post_it_once(database_url, plan, db):
    replicas = [
        build_services(Settings(database_url=database_url), plan, FixedClock(FRIDAY_0901))
        for _ in range(4)
    ]
    results = await asyncio.gather(*(r.checklists.post_due() for r in replicas))
    for replica in replicas:
        await replica.close()
    assert sum(len(posted) for posted in results) == 1
    assert posts_queued(db) == 1


async def test_ticks_from_twenty_people_at_once_are_all_kept(database_url, db):
    plan = Plan.model_validate(
        {
            "checklists": [
                {
                    "name": "big",
                    "title": "Big",
                    "schedule": "daily 09:00",
                    "items": [f"item {n}" for n in range(20)],
                }
            ]
        }
    )
    replicas = [
        build_services(Settings(database_url=database_url), plan, FixedClock(FRIDAY_0901))
        for _ in range(2)
    ]
    run = (await replicas[0].checklists.post_now("big", by=None)).run
    await asyncio.gather(
        *(replicas[n % 2].checklists.toggle(run.id, n, by=f"U{n:03d}") for n in range(20))
    )
    ticked = await replicas[0].checklists.get(run.id)
    assert ticked is not None and ticked.done == 20
    assert {i.ticked_by for i in ticked.items} == {f"U{n:03d}" for n in range(20)}
    untick = await replicas[1].checklists.toggle(run.id, 0, by="U999")
    assert untick.items[0].ticked_by is None and untick.done == 19
    for replica in replicas:
        await replica.close()


async def test_posting_on_demand_is_for_admins(services):
    with pytest.raises(NotAllowed):
        await services.checklists.post_now("morning", by="U0SUP1")
    with pytest.raises(BadInput):
        await services.checklists.post_now("nope", by="U0MGR1")
    assert (await services.checklists.post_now("morning", by="U0MGR1")).run.status == "manual"


async def test_todays_progress(services):
    await services.checklists.post_due()
    morning = (await services.checklists.today())[0]
    await services.checklists.toggle(morning.id, 2, by="U1")
    today = await services.checklists.today()
    assert [(r.checklist, r.done) for r in today if r.status != "missed"] == [("morning", 1)]


async def test_slots_before_the_first_start_are_left_out_not_missed(services, db):
    first = await record_first_start(services.sessions, FRIDAY_0901 - timedelta(hours=2))
    assert first == FRIDAY_0901 - timedelta(hours=2)  # Friday 07:01: the slots before it…
    assert [r.checklist for r in await services.checklists.post_due()] == ["morning"]
    assert [status for _, status in runs(db)] == ["on_time"]  # …are neither posted nor missed


async def test_a_database_from_before_starts_were_recorded_counts_from_its_first_run(services, db):
    await services.checklists.post_now("friday", by=None)  # a run made at Friday 09:01
    later = await record_first_start(services.sessions, FRIDAY_0901 + timedelta(days=3))
    assert later == FRIDAY_0901
    assert await record_first_start(services.sessions, FRIDAY_0901 + timedelta(days=9)) == later


async def test_a_list_posted_early_on_request_is_not_posted_again_at_its_slot(services, db):
    services.clock.at = FRIDAY_0901 - timedelta(hours=2)
    early = await services.checklists.post_now("morning", by=None)
    services.clock.at = FRIDAY_0901
    assert "morning" not in [r.checklist for r in await services.checklists.post_due()]
    again = await services.checklists.post_now("morning", by="U0MGR1")
    assert again.already_posted and again.run.id == early.run.id
    assert [s for c, s in runs(db) if c == "morning"] == ["manual"]
    repost = await services.checklists.post_now("morning", by="U0MGR1", again=True)
    assert not repost.already_posted and repost.run.status == "reposted"
