"""The on-call service against real databases (SQLite and PostgreSQL): covers, rosters, the
14-day schedule and the once-a-day handoff announcement.

The seed plan: New York, launch Monday 2 November 2026; the rotation runs 16–27 November (level 1
U0SUP1/U0SUP2, level 2 U0DEV1/U0DEV2 alternate by business day), month 2 from Monday 30 November.
The default clock is Friday 27 November 15:00 UTC (10:00 EST): U0SUP2 and U0DEV2 are on call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.errors import BadInput, NotAllowed
from bot.oncall import Phase
from bot.services import Services, build_services

NEXT_HANDOFF = datetime(2026, 11, 30, 14, tzinfo=UTC)  # Monday 09:00 EST
WEEK_ONE = datetime(2026, 11, 5, 15, tzinfo=UTC)  # Thursday 10:00 EST, all hands


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
async def services(database_url: str, plan: Plan, clock: FixedClock) -> AsyncIterator[Services]:
    built = build_services(Settings(database_url=database_url), plan, clock)
    yield built
    await built.close()


def count(db: sa.Engine, sql: str) -> int:
    with db.connect() as conn:
        return int(conn.scalar(sa.text(sql)) or 0)


def outbox_kinds(db: sa.Engine) -> list[str]:
    with db.connect() as conn:
        return [row[0] for row in conn.execute(sa.text("SELECT kind FROM outbox ORDER BY id"))]


def nothing_written(db: sa.Engine) -> bool:
    return count(db, "SELECT count(*) FROM oncall_overrides") == 0 and outbox_kinds(db) == []


async def test_the_roster_without_covers_follows_the_calendar(services, clock):
    roster = await services.oncall.roster()
    assert roster.phase is Phase.ROTATION and roster.business_hours
    assert [level.people for level in roster.levels] == [
        ("U0SUP2",),
        ("U0DEV2",),
        ("U0ARCH1",),
        ("U0MGR1",),
    ]
    assert roster.next_handoff == NEXT_HANDOFF
    clock.at = WEEK_ONE
    roster = await services.oncall.roster()
    assert roster.phase is Phase.ALL_HANDS
    assert roster.people(1) == ("U0SUP1", "U0SUP2")
    assert roster.people(2) == ("U0DEV1", "U0DEV2")
    assert roster.next_handoff == utc(2026, 11, 16, 14)


async def test_the_person_on_call_hands_over_only_themselves(services, clock, db):
    clock.at = WEEK_ONE  # both developers on call
    cover = await services.oncall.cover(by="U0DEV1", user="U0NEW", level=2, until="4h")
    assert (cover.user, cover.covering, cover.level, cover.created_by) == (
        "U0NEW",
        "U0DEV1",
        2,
        "U0DEV1",
    )
    assert cover.level_name == "Development Team"
    assert (cover.starts_at, cover.ends_at) == (WEEK_ONE, WEEK_ONE + timedelta(hours=4))
    roster = await services.oncall.roster()
    assert roster.people(2) == ("U0NEW", "U0DEV2")
    assert roster.people(1) == ("U0SUP1", "U0SUP2")  # other levels untouched
    assert [c.id for c in roster.levels[1].covers] == [cover.id]
    assert outbox_kinds(db) == ["oncall.cover"]
    stored = await services.oncall.get_cover(cover.id)
    assert stored is not None and stored.covering == "U0DEV1" and stored.ends_at == cover.ends_at


async def test_the_rotation_person_hands_over_their_shift(services, db):
    cover = await services.oncall.cover(by="U0DEV2", user="U0DEV1", level=2)
    assert cover.covering == "U0DEV2"
    assert cover.ends_at == NEXT_HANDOFF  # default: until the next handoff
    assert (await services.oncall.roster()).people(2) == ("U0DEV1",)
    assert count(db, "SELECT count(*) FROM oncall_overrides") == 1


async def test_an_admin_hands_over_the_whole_level(services, clock):
    clock.at = WEEK_ONE
    cover = await services.oncall.cover(by="U0MGR1", user="U0NEW", level=2, until="2d")
    assert cover.covering is None
    assert (await services.oncall.roster()).people(2) == ("U0NEW",)
    # A later cover by the new person replaces them in turn.
    await services.oncall.cover(by="U0NEW", user="U0OTHER", level=2, until="1h")
    assert (await services.oncall.roster()).people(2) == ("U0OTHER",)
    clock.at += timedelta(hours=2)  # the second cover is over; the admin's still holds
    assert (await services.oncall.roster()).people(2) == ("U0NEW",)


async def test_an_admin_not_on_call_may_cover_any_level(services):
    cover = await services.oncall.cover(by="U0ARCH1", user="U0NEW", level=1)
    assert cover.covering is None
    assert (await services.oncall.roster()).people(1) == ("U0NEW",)


@pytest.mark.parametrize(
    ("by", "level"),
    [
        ("U0STRANGER", 2),
        ("U0DEV1", 2),  # a member of the level, but not the one on call today
        ("U0DEV2", 1),  # on call, for another level
        ("U0SUP2", 2),
    ],
)
async def test_anyone_else_is_refused_and_nothing_is_written(services, db, by, level):
    with pytest.raises(NotAllowed):
        await services.oncall.cover(by=by, user="U0NEW", level=level)
    assert nothing_written(db)


async def test_covering_yourself_is_not_a_cover(services, db):
    with pytest.raises(NotAllowed):
        await services.oncall.cover(by="U0DEV2", user="U0DEV2", level=2)
    assert nothing_written(db)


@pytest.mark.parametrize(
    ("level", "until", "reason"),
    [
        (0, "", "unknown_level"),
        (5, "", "unknown_level"),
        (-1, "4h", "unknown_level"),
        (2, "Soon", "bad_until"),
        (2, "25:00", "bad_until"),
        (2, "18:61", "bad_until"),
        (2, "2026-02-30", "bad_until"),
        (2, "2026-12-01 24:00", "bad_until"),
        (2, "0h", "bad_until"),
        (2, "4 hours", "bad_until"),
        (2, "2026-11-27", "until_past"),  # local midnight today, already gone
        (2, "2026-11-27 09:59", "until_past"),
        (2, "2020-01-01", "until_past"),
        (2, "32d", "until_too_far"),
        (2, "2026-12-29", "until_too_far"),
    ],
)
async def test_bad_level_or_until_is_refused_and_nothing_is_written(
    services, db, level, until, reason
):
    with pytest.raises(BadInput) as refused:
        await services.oncall.cover(by="U0MGR1", user="U0NEW", level=level, until=until)
    assert refused.value.params["reason"] == reason
    if reason != "unknown_level":
        assert refused.value.params["given"] == until  # as typed, for the reply to quote
    assert nothing_written(db)


@pytest.mark.parametrize(
    ("until", "ends_at"),
    [
        ("18:00", utc(2026, 11, 27, 23)),  # today, 18:00 EST
        ("09:30", utc(2026, 11, 28, 14, 30)),  # already past today: tomorrow's
        ("10:00", utc(2026, 11, 28, 15)),  # exactly now: tomorrow's
        ("2026-12-01", utc(2026, 12, 1, 5)),  # local midnight
        ("2026-12-01 09:00", utc(2026, 12, 1, 14)),
        ("2026-12-01T09:00", utc(2026, 12, 1, 14)),
        ("4h", utc(2026, 11, 27, 19)),
        ("2d", utc(2026, 11, 29, 15)),
        ("1h30m", utc(2026, 11, 27, 16, 30)),
        ("31d", utc(2026, 12, 28, 15)),  # the longest allowed
        ("", NEXT_HANDOFF),
        ("  ", NEXT_HANDOFF),
    ],
)
async def test_until_forms(services, until, ends_at):
    cover = await services.oncall.cover(by="U0MGR1", user="U0NEW", level=3, until=until)
    assert cover.ends_at == ends_at
    stored = await services.oncall.get_cover(cover.id)
    assert stored is not None and stored.ends_at == ends_at


async def test_until_is_local_time_across_the_autumn_change(services, clock):
    clock.at = utc(2026, 10, 31, 20)  # Saturday 16:00 EDT; clocks go back Sunday 02:00
    oncall = services.oncall
    assert oncall.parse_until("2026-11-02 09:00", clock.at) == utc(2026, 11, 2, 14)  # EST
    assert oncall.parse_until("15:00", clock.at) == utc(2026, 11, 1, 20)  # Sunday, EST
    assert oncall.parse_until("17:00", clock.at) == utc(2026, 10, 31, 21)  # today, EDT
    assert oncall.parse_until("1d", clock.at) == clock.at + timedelta(days=1)  # 24 h, not wall


async def test_the_default_until_during_all_hands_is_the_first_rotation_handoff(services, clock):
    clock.at = WEEK_ONE
    cover = await services.oncall.cover(by="U0DEV1", user="U0NEW", level=2)
    assert cover.ends_at == utc(2026, 11, 16, 14)


async def test_the_roster_shows_a_cover_only_within_its_window(services, clock):
    start = clock.at
    cover = await services.oncall.cover(by="U0DEV2", user="U0NEW", level=2, until="4h")
    oncall = services.oncall
    assert (await oncall.roster(start - timedelta(minutes=1))).people(2) == ("U0DEV2",)
    assert (await oncall.roster(start)).people(2) == ("U0NEW",)
    assert (await oncall.roster(cover.ends_at - timedelta(seconds=1))).people(2) == ("U0NEW",)
    after = await oncall.roster(cover.ends_at)
    assert after.people(2) == ("U0DEV2",) and after.levels[1].covers == ()
    clock.at = cover.ends_at
    assert (await oncall.roster()).people(2) == ("U0DEV2",)


async def test_the_schedule_lists_fourteen_days_from_each_handoff(services, clock):
    days = await services.oncall.schedule()
    assert len(days) == 14
    # Today (after today's handoff): now; weekends: midday local; business days: the handoff.
    assert days[0].at == clock.at
    assert days[1].at == utc(2026, 11, 28, 17) and days[2].at == utc(2026, 11, 29, 17)
    assert days[3].at == NEXT_HANDOFF
    assert [d.people(1) for d in days[:6]] == [
        ("U0SUP2",),  # Friday
        ("U0SUP2",),  # Saturday keeps Friday's person
        ("U0SUP2",),
        ("U0SUP1",),  # Monday 30: month 2, the rotation carries on
        ("U0SUP2",),
        ("U0SUP1",),
    ]
    assert [d.phase for d in days[2:4]] == [Phase.ROTATION, Phase.STEADY]
    assert all(d.people(3) == ("U0ARCH1",) for d in days)


async def test_the_schedule_shows_covers_only_on_the_days_they_cover(services, clock):
    await services.oncall.cover(by="U0DEV2", user="U0NEW", level=2, until="2d")  # to Sun 10:00
    await services.oncall.cover(by="U0MGR1", user="U0BOSS", level=4)  # to Monday's handoff
    days = await services.oncall.schedule()
    assert [d.people(2) for d in days[:4]] == [
        ("U0NEW",),  # Friday
        ("U0NEW",),  # Saturday midday
        ("U0DEV2",),  # Sunday midday: the cover ended at 10:00
        ("U0DEV1",),  # Monday
    ]
    assert [d.people(4) for d in days[:4]] == [("U0BOSS",), ("U0BOSS",), ("U0BOSS",), ("U0MGR1",)]
    # A cover that has already ended shows nowhere.
    clock.at = utc(2026, 11, 30, 15)
    days = await services.oncall.schedule()
    assert all(d.people(2) in {("U0DEV1",), ("U0DEV2",)} for d in days)
    assert all(d.people(4) == ("U0MGR1",) for d in days)


async def test_people_applies_covers_to_the_members_an_incident_was_declared_with(services):
    await services.oncall.cover(by="U0DEV2", user="U0NEW", level=2, until="1h")
    at = services.clock.now()
    async with services.sessions() as session:
        # An incident's copy of the policy may list other members; the cover still applies.
        assert await services.oncall.people(session, 2, ("U0DEV1", "U0DEV2"), at) == ("U0NEW",)
        assert await services.oncall.people(session, 2, ("U0X", "U0Y"), at) == ("U0Y",)
        assert await services.oncall.people(session, 1, ("U0SUP1", "U0SUP2"), at) == ("U0SUP2",)
        before = at - timedelta(minutes=1)  # a page computed for a moment before the cover
        assert await services.oncall.people(session, 2, ("U0DEV1", "U0DEV2"), before) == ("U0DEV2",)
        later = at + timedelta(hours=1)
        assert await services.oncall.people(session, 2, ("U0DEV1", "U0DEV2"), later) == ("U0DEV2",)


def handoffs_queued(db: sa.Engine) -> int:
    return outbox_kinds(db).count("oncall.handoff")


async def test_the_handoff_is_announced_once_a_day(services, clock, db):
    clock.at = utc(2026, 11, 30, 14, 5)  # Monday 09:05 EST
    assert await services.oncall.announce_due_handoff() == NEXT_HANDOFF
    assert await services.oncall.announce_due_handoff() is None
    clock.at = utc(2026, 11, 30, 14, 59)
    assert await services.oncall.announce_due_handoff() is None
    assert handoffs_queued(db) == 1
    assert count(db, "SELECT count(*) FROM oncall_handoffs") == 1
    assert await services.oncall.handoff_slot(1) == NEXT_HANDOFF
    # The next day, the next one.
    clock.at = utc(2026, 12, 1, 14)
    assert await services.oncall.announce_due_handoff() == utc(2026, 12, 1, 14)
    assert handoffs_queued(db) == 2


async def test_two_processes_announce_the_handoff_once(services, database_url, plan, clock, db):
    clock.at = utc(2026, 11, 24, 14, 1)
    other = build_services(Settings(database_url=database_url), plan, clock)
    try:
        results = [
            await services.oncall.announce_due_handoff(),
            await other.oncall.announce_due_handoff(),
        ]
    finally:
        await other.close()
    assert sorted(results, key=str) == sorted([utc(2026, 11, 24, 14), None], key=str)
    assert handoffs_queued(db) == 1


async def test_the_first_rotation_handoff_is_announced(services, clock, db):
    clock.at = utc(2026, 11, 16, 14)
    assert await services.oncall.announce_due_handoff() == utc(2026, 11, 16, 14)
    assert handoffs_queued(db) == 1


@pytest.mark.parametrize(
    "at",
    [
        utc(2026, 11, 9, 14, 5),  # a Monday 09:05 during the all-hands weeks
        utc(2026, 11, 16, 13, 59),  # the minute before the rotation begins
        utc(2026, 11, 30, 13, 59),  # the minute before Monday's handoff
        utc(2026, 11, 30, 15, 0, 1),  # more than an hour after it
        utc(2026, 11, 30, 21),  # that afternoon
        utc(2026, 11, 28, 14, 5),  # Saturday 09:05: no handoff at weekends
    ],
)
async def test_no_handoff_is_announced_outside_its_hour(services, clock, db, at):
    clock.at = at
    assert await services.oncall.announce_due_handoff() is None
    assert handoffs_queued(db) == 0


async def test_a_handoff_is_announced_up_to_an_hour_late(services, clock, db):
    clock.at = utc(2026, 11, 30, 15)  # exactly an hour: a restart after a short outage
    assert await services.oncall.announce_due_handoff() == NEXT_HANDOFF
    assert handoffs_queued(db) == 1


async def test_handoffs_are_announced_at_0900_local_after_the_change(database_url, db):
    # A plan whose rotation spans the 2026-11-01 fall-back: launch 12 October.
    plan = Plan(launch_date=datetime(2026, 10, 12).date())
    clock = FixedClock(utc(2026, 11, 2, 13, 5))  # 08:05 EST, 09:05 at the old offset
    built = build_services(Settings(database_url=database_url), plan, clock)
    try:
        assert await built.oncall.announce_due_handoff() is None
        clock.at = utc(2026, 11, 2, 14, 5)  # 09:05 EST
        assert await built.oncall.announce_due_handoff() == utc(2026, 11, 2, 14)
        roster = await built.oncall.roster()
        assert roster.phase is Phase.ROTATION
        assert roster.next_handoff == utc(2026, 11, 3, 14)
    finally:
        await built.close()
    assert handoffs_queued(db) == 1
