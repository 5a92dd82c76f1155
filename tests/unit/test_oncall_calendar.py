"""The on-call calendar: business hours, handoffs, phases and the rotation, across DST changes.

Expected instants are written out in UTC by hand (not computed with zoneinfo), so a calendar that
drifts by an hour across a daylight-saving change fails here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import Plan, seed
from bot.oncall import Calendar, Phase

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def three_in_level_one(**plan: Any) -> Plan:
    """A plan whose level 1 has three people, so a skipped or repeated turn shows."""
    escalation = [dict(level) for level in seed.ESCALATION]
    escalation[0] = {**escalation[0], "members": ["UA", "UB", "UC"]}
    return Plan(escalation=escalation, **plan)


class Change:
    """A daylight-saving change (a Sunday) and the 09:00 handoffs either side of it, in UTC."""

    def __init__(
        self, zone: str, sunday: date, friday_0900: datetime, monday_0900: datetime
    ) -> None:
        self.zone = zone
        self.sunday = sunday
        self.friday_0900 = friday_0900
        self.monday_0900 = monday_0900

    def __repr__(self) -> str:
        return f"{self.zone} {self.sunday}"

    @property
    def offset_before(self) -> timedelta:
        return timedelta(hours=9 - self.friday_0900.hour)

    @property
    def offset_after(self) -> timedelta:
        return timedelta(hours=9 - self.monday_0900.hour)


CHANGES = [
    # New York: EST is UTC-5, EDT UTC-4.
    Change("America/New_York", date(2026, 3, 8), utc(2026, 3, 6, 14), utc(2026, 3, 9, 13)),
    Change("America/New_York", date(2026, 11, 1), utc(2026, 10, 30, 13), utc(2026, 11, 2, 14)),
    Change("America/New_York", date(2027, 3, 14), utc(2027, 3, 12, 14), utc(2027, 3, 15, 13)),
    Change("America/New_York", date(2027, 11, 7), utc(2027, 11, 5, 13), utc(2027, 11, 8, 14)),
    # London: GMT is UTC+0, BST UTC+1.
    Change("Europe/London", date(2026, 3, 29), utc(2026, 3, 27, 9), utc(2026, 3, 30, 8)),
    Change("Europe/London", date(2026, 10, 25), utc(2026, 10, 23, 8), utc(2026, 10, 26, 9)),
    Change("Europe/London", date(2027, 3, 28), utc(2027, 3, 26, 9), utc(2027, 3, 29, 8)),
    Change("Europe/London", date(2027, 10, 31), utc(2027, 10, 29, 8), utc(2027, 11, 1, 9)),
]
H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.fixture(params=CHANGES, ids=repr)
def change(request: pytest.FixtureRequest) -> Change:
    return request.param  # type: ignore[no-any-return]


def calendar_around(change: Change, **plan: Any) -> Calendar:
    """The rotation runs Monday before the change to the Monday after next (launch 20 days
    before the change, a Monday)."""
    launch = change.sunday - timedelta(days=20)
    assert launch.weekday() == 0
    return Calendar(three_in_level_one(timezone=change.zone, launch_date=launch, **plan))


def test_the_table_of_changes_is_right(change: Change) -> None:
    # Guard the hand-written table: the offset really changes between Friday and Monday.
    zone = ZoneInfo(change.zone)
    assert change.sunday.weekday() == 6
    assert change.friday_0900.astimezone(zone).hour == 9
    assert change.monday_0900.astimezone(zone).hour == 9
    assert change.offset_before != change.offset_after
    assert change.friday_0900.astimezone(zone).utcoffset() == change.offset_before


def test_next_business_start_is_monday_0900_local_after_the_change(change: Change) -> None:
    calendar = calendar_around(change)
    zone = ZoneInfo(change.zone)
    friday_evening = change.friday_0900 + 8 * H  # 17:00 local, the end of business
    for after in [
        friday_evening,
        friday_evening + 12 * H,  # Saturday morning
        datetime.combine(change.sunday, datetime.min.time(), UTC) + 3 * H,  # around the change
        datetime.combine(change.sunday, datetime.min.time(), UTC) + 20 * H,
        change.monday_0900 - M,
    ]:
        start = calendar.next_business_start(after)
        assert start == change.monday_0900, after
        local = start.astimezone(zone)
        assert (local.hour, local.minute) == (9, 0)
        assert local.utcoffset() == change.offset_after
    # Strictly after: at Monday's start, the next is Tuesday's, 24 h later in UTC.
    assert calendar.next_business_start(change.monday_0900) == change.monday_0900 + 24 * H


def test_latest_business_start_stays_at_0900_local(change: Change) -> None:
    calendar = calendar_around(change)
    assert calendar.latest_business_start(change.monday_0900 - M) == change.friday_0900
    assert calendar.latest_business_start(change.monday_0900) == change.monday_0900
    assert calendar.latest_business_start(change.monday_0900 + 10 * H) == change.monday_0900
    sunday_noon = change.friday_0900 + 2 * 24 * H + 3 * H
    assert calendar.latest_business_start(sunday_noon) == change.friday_0900
    # Thursday before the change is 24 h before Friday in UTC (no change in between).
    assert calendar.latest_business_start(change.friday_0900 - M) == change.friday_0900 - 24 * H


def test_business_hours_are_0900_to_1700_local_either_side(change: Change) -> None:
    calendar = calendar_around(change)
    for start in (change.friday_0900, change.monday_0900):
        assert not calendar.is_business_hours(start - M)
        assert calendar.is_business_hours(start)
        assert calendar.is_business_hours(start + 8 * H - M)
        assert not calendar.is_business_hours(start + 8 * H)
    # Monday 09:00 at the old offset is 08:00 or 10:00 local now: only one side of it is open.
    old_offset_0900 = change.monday_0900 + (change.offset_after - change.offset_before)
    assert calendar.is_business_hours(old_offset_0900) is (old_offset_0900 > change.monday_0900)
    # No business at any hour from Friday 17:00 to Monday 09:00 (one hour more or less in UTC).
    closed = change.friday_0900 + 8 * H
    hours = (change.monday_0900 - closed) // H
    assert hours == 64 + (change.offset_before - change.offset_after) // H
    assert not any(calendar.is_business_hours(closed + n * H) for n in range(hours))
    assert calendar.business_end(change.monday_0900.date()) == change.monday_0900 + 8 * H


def test_handoff_the_monday_after_a_change_is_0900_local(change: Change) -> None:
    calendar = calendar_around(change)
    assert calendar.phase(change.friday_0900 + 10 * H) is Phase.ROTATION
    assert calendar.next_handoff(change.friday_0900 + 10 * H) == change.monday_0900
    assert calendar.next_handoff(change.monday_0900 - M) == change.monday_0900


def test_the_rotation_neither_skips_nor_repeats_across_a_change(change: Change) -> None:
    calendar = calendar_around(change)
    zone = ZoneInfo(change.zone)
    first_monday = change.sunday - timedelta(days=6)
    assert calendar.rotation_begins == change.friday_0900 - timedelta(days=4)  # same offset
    people = ("UA", "UB", "UC")
    # Mon..Fri, the weekend keeps Friday's person, then Mon..Fri again.
    expected = ["UA", "UB", "UC", "UA", "UB", "UB", "UB", "UC", "UA", "UB", "UC", "UA"]
    seen = []
    for n in range(12):
        noon = datetime.combine(first_monday + timedelta(days=n), datetime.min.time(), zone)
        noon = noon.replace(hour=12).astimezone(UTC)
        seen.append(calendar.scheduled(people, noon)[0])
    assert seen == expected
    # At the handoff itself, not an hour either side of it.
    assert calendar.scheduled(people, change.monday_0900 - M) == ("UB",)
    assert calendar.scheduled(people, change.monday_0900) == ("UC",)
    assert calendar.handoff_index(change.monday_0900) == 5


def test_a_phase_boundary_just_after_a_change_is_at_0900_local(change: Change) -> None:
    # Launch 27 days before the Sunday: month 2 begins at the handoff the Monday after it.
    monday = change.sunday + timedelta(days=1)
    calendar = Calendar(Plan(timezone=change.zone, launch_date=monday - timedelta(days=28)))
    assert calendar.steady_begins == change.monday_0900
    assert calendar.phase(change.monday_0900 - M) is Phase.ROTATION
    assert calendar.phase(change.monday_0900) is Phase.STEADY
    # And the all-hands weeks end at 09:00 local the Monday after, too.
    calendar = Calendar(Plan(timezone=change.zone, launch_date=monday - timedelta(days=14)))
    assert calendar.rotation_begins == change.monday_0900
    assert calendar.phase(change.monday_0900 - M) is Phase.ALL_HANDS
    assert calendar.phase(change.monday_0900) is Phase.ROTATION


# The seed plan: New York, launch Monday 2 November 2026 (EST from the day before).
SEED = Calendar(Plan())
ROTATION_BEGINS = utc(2026, 11, 16, 14)  # Monday 16 November, 09:00 EST
STEADY_BEGINS = utc(2026, 11, 30, 14)  # Monday 30 November, 09:00 EST


def test_seed_phases_change_at_the_handoff_not_at_midnight() -> None:
    assert SEED.rotation_begins == ROTATION_BEGINS
    assert SEED.steady_begins == STEADY_BEGINS
    assert SEED.phase(utc(2026, 11, 1, 12)) is Phase.ALL_HANDS  # before launch
    assert SEED.phase(utc(2026, 11, 16, 5)) is Phase.ALL_HANDS  # local midnight
    assert SEED.phase(ROTATION_BEGINS - M) is Phase.ALL_HANDS
    assert SEED.phase(ROTATION_BEGINS) is Phase.ROTATION
    assert SEED.phase(utc(2026, 11, 30, 5)) is Phase.ROTATION  # local midnight
    assert SEED.phase(STEADY_BEGINS - M) is Phase.ROTATION
    assert SEED.phase(STEADY_BEGINS) is Phase.STEADY
    assert SEED.phase(utc(2027, 6, 1)) is Phase.STEADY
    # During all-hands the next handoff is the first of the rotation, even days away.
    assert SEED.next_handoff(utc(2026, 11, 3, 15)) == ROTATION_BEGINS


def test_a_phase_due_at_a_weekend_starts_at_mondays_handoff() -> None:
    # Launch on a Saturday: day 14 is a Saturday too, so the rotation waits for Monday 09:00.
    calendar = Calendar(Plan(launch_date=date(2026, 11, 7)))
    assert calendar.rotation_begins == utc(2026, 11, 23, 14)
    assert calendar.phase(utc(2026, 11, 21, 15)) is Phase.ALL_HANDS  # Saturday, day 14
    assert calendar.phase(utc(2026, 11, 22, 23)) is Phase.ALL_HANDS  # Sunday evening
    assert calendar.phase(utc(2026, 11, 23, 14)) is Phase.ROTATION
    assert calendar.steady_begins == utc(2026, 12, 7, 14)


@pytest.mark.parametrize(
    ("phases", "rotation_begins", "steady_begins"),
    [
        # A week of all hands, three weeks of rotation.
        ({"all_hands_days": 7, "rotation_days": 21}, utc(2026, 11, 9, 14), utc(2026, 11, 30, 14)),
        # No all-hands weeks: the rotation starts at the launch day's handoff.
        ({"all_hands_days": 0, "rotation_days": 14}, utc(2026, 11, 2, 14), utc(2026, 11, 16, 14)),
        # No rotation weeks: straight from all hands to month-2 coverage.
        ({"all_hands_days": 14, "rotation_days": 0}, utc(2026, 11, 16, 14), utc(2026, 11, 16, 14)),
    ],
)
def test_custom_phase_lengths(
    phases: dict[str, int], rotation_begins: datetime, steady_begins: datetime
) -> None:
    calendar = Calendar(Plan(paging={"phases": phases}))
    assert (calendar.rotation_begins, calendar.steady_begins) == (rotation_begins, steady_begins)
    assert calendar.phase(rotation_begins - M) is Phase.ALL_HANDS
    expected = Phase.ROTATION if steady_begins > rotation_begins else Phase.STEADY
    assert calendar.phase(rotation_begins) is expected
    assert calendar.phase(steady_begins) is Phase.STEADY


def test_the_rotation_cycles_through_members_on_business_days() -> None:
    members = tuple(seed.ESCALATION[0]["members"])  # U0SUP1, U0SUP2
    days = [ROTATION_BEGINS + timedelta(days=n) for n in range(15)]  # Mon 16 .. Mon 30 09:00
    on_call = [SEED.scheduled(members, at) for at in days]
    assert on_call == [
        ("U0SUP1",),  # Mon 16
        ("U0SUP2",),
        ("U0SUP1",),
        ("U0SUP2",),
        ("U0SUP1",),  # Fri 20
        ("U0SUP1",),  # Sat: Friday's person
        ("U0SUP1",),  # Sun
        ("U0SUP2",),  # Mon 23
        ("U0SUP1",),
        ("U0SUP2",),
        ("U0SUP1",),
        ("U0SUP2",),  # Fri 27
        ("U0SUP2",),
        ("U0SUP2",),
        ("U0SUP1",),  # Mon 30: month 2, the rotation carries on
    ]
    assert SEED.phase(days[-1]) is Phase.STEADY
    # Before Monday's handoff it is still Friday's person; overnight too.
    assert SEED.scheduled(members, utc(2026, 11, 23, 13, 59)) == ("U0SUP1",)
    assert SEED.scheduled(members, utc(2026, 11, 18, 3)) == ("U0SUP2",)  # Tuesday's, at night
    # One member: always them; nobody configured: nobody.
    assert SEED.scheduled(("U0ARCH1",), utc(2026, 11, 25, 15)) == ("U0ARCH1",)
    assert SEED.scheduled((), utc(2026, 11, 25, 15)) == ()


def test_all_hands_lists_everyone() -> None:
    members = ("U0DEV1", "U0DEV2", "U0DEV3")
    for at in (utc(2026, 11, 2, 14), utc(2026, 11, 8, 3), ROTATION_BEGINS - M):
        assert SEED.scheduled(members, at) == members


def test_a_six_day_week_hands_off_on_saturday() -> None:
    calendar = Calendar(
        three_in_level_one(
            business_hours={"days": ["mon", "tue", "wed", "thu", "fri", "sat"]},
        )
    )
    people = ("UA", "UB", "UC")
    saturday = utc(2026, 11, 21, 15)
    assert calendar.is_business_hours(saturday)
    assert calendar.scheduled(people, saturday) == ("UC",)  # Mon UA … Fri UB, Sat UC
    assert calendar.scheduled(people, utc(2026, 11, 22, 15)) == ("UC",)  # Sunday
    assert calendar.scheduled(people, utc(2026, 11, 23, 15)) == ("UA",)


def test_business_days_written_twice_do_not_count_twice() -> None:
    twice = Calendar(
        three_in_level_one(
            business_hours={"days": ["mon", "mon", "tue", "wed", "thu", "fri"]},
        )
    )
    once = Calendar(three_in_level_one())
    people = ("UA", "UB", "UC")
    for n in range(20):
        at = ROTATION_BEGINS + timedelta(days=n, hours=1)
        assert twice.scheduled(people, at) == once.scheduled(people, at), at


def test_custom_business_hours_are_local() -> None:
    calendar = Calendar(Plan(business_hours={"start": "08:30", "end": "16:00"}))
    monday = date(2026, 11, 23)
    assert calendar.business_start(monday) == utc(2026, 11, 23, 13, 30)
    assert calendar.business_end(monday) == utc(2026, 11, 23, 21)
    assert calendar.next_handoff(utc(2026, 11, 20, 22)) == utc(2026, 11, 23, 13, 30)


# pages_now: (tier, when) -> may the DM go out now?
NIGHT = timedelta(hours=12)  # 21:00 EST from a 09:00 handoff
ALL_HANDS_NIGHT = utc(2026, 11, 4, 2)  # Tuesday 21:00 EST, week 1
ROTATION_NIGHT = utc(2026, 11, 18, 2)  # Tuesday 21:00 EST, week 3
STEADY_NIGHT = utc(2026, 12, 2, 2)  # Tuesday 21:00 EST, week 5
STEADY_WEEKEND = utc(2026, 12, 5, 17)  # Saturday noon
STEADY_DAY = utc(2026, 12, 2, 15)  # Wednesday 10:00 EST
ALL_HANDS_DAY = utc(2026, 11, 4, 15)


def pages_now(tier: int, at: datetime) -> bool:
    return SEED.pages_now(tier, SEED.plan.tier_paging(tier).dm_hours, at)


@pytest.mark.parametrize(
    "at", [ALL_HANDS_NIGHT, ROTATION_NIGHT, STEADY_NIGHT, STEADY_WEEKEND, STEADY_DAY]
)
def test_tier_one_always_pages(at: datetime) -> None:
    assert pages_now(1, at)


def test_tier_two_pages_at_night_in_weeks_one_to_four_only() -> None:
    assert pages_now(2, ALL_HANDS_NIGHT)
    assert pages_now(2, ROTATION_NIGHT)
    assert pages_now(2, utc(2026, 11, 29, 17))  # Sunday of week 4
    assert pages_now(2, STEADY_BEGINS - M)  # month 2 starts at the handoff, not before
    assert not pages_now(2, STEADY_NIGHT)
    assert not pages_now(2, STEADY_WEEKEND)
    assert not pages_now(2, STEADY_BEGINS + 8 * H)  # 17:00 the first day of month 2
    assert pages_now(2, STEADY_DAY)
    assert pages_now(2, STEADY_BEGINS)


@pytest.mark.parametrize("tier", [3])
def test_business_hours_tiers_wait_outside_hours_in_every_phase(tier: int) -> None:
    assert SEED.plan.tier_paging(tier).dm_hours == "business"
    for at in (ALL_HANDS_NIGHT, ROTATION_NIGHT, STEADY_NIGHT, STEADY_WEEKEND):
        assert not pages_now(tier, at), at
    assert pages_now(tier, ALL_HANDS_DAY)
    assert pages_now(tier, STEADY_DAY)
    assert SEED.next_business_start(STEADY_NIGHT) == utc(2026, 12, 2, 14)


def test_a_business_hours_tier_one_waits_too() -> None:
    # dm_hours is the plan's word: even the top tier waits when configured so.
    assert not SEED.pages_now(1, "business", STEADY_NIGHT)
    assert SEED.pages_now(1, "business", STEADY_DAY)


def test_business_hours_from_midnight_start_the_rotation_at_midnight() -> None:
    calendar = Calendar(Plan(business_hours={"start": "00:00", "end": "23:59"}))
    assert calendar.rotation_begins == utc(2026, 11, 16, 5)  # 00:00 EST on day 14
    assert calendar.phase(utc(2026, 11, 16, 4, 59)) is Phase.ALL_HANDS
    assert calendar.phase(utc(2026, 11, 16, 5)) is Phase.ROTATION
