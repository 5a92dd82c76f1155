"""Checklist slots land at local wall-clock times, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.calendar import Schedule
from bot.config import Plan

NY = ZoneInfo("America/New_York")
BUSINESS = ("mon", "tue", "wed", "thu", "fri")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "now", "slot_utc"),
    [
        # Week before the 2026-11-01 fall-back: EDT, UTC-4.
        ("morning", utc(2026, 10, 30, 13, 0), utc(2026, 10, 30, 13, 0)),
        ("afternoon", utc(2026, 10, 30, 18, 30), utc(2026, 10, 30, 18, 0)),
        ("end-of-day", utc(2026, 10, 30, 21, 0), utc(2026, 10, 30, 21, 0)),
        # The week after: EST, UTC-5. Same wall-clock times, an hour later in UTC.
        ("morning", utc(2026, 11, 2, 14, 0), utc(2026, 11, 2, 14, 0)),
        ("morning", utc(2026, 11, 2, 13, 59), utc(2026, 10, 30, 13, 0)),  # Friday's, not Sunday's
        ("afternoon", utc(2026, 11, 2, 19, 0), utc(2026, 11, 2, 19, 0)),
        ("end-of-day", utc(2026, 11, 2, 22, 0), utc(2026, 11, 2, 22, 0)),
        ("monday", utc(2026, 11, 4, 12, 0), utc(2026, 11, 2, 14, 30)),
        ("wednesday", utc(2026, 11, 4, 14, 30), utc(2026, 11, 4, 14, 30)),
        ("friday", utc(2026, 11, 7, 12, 0), utc(2026, 11, 6, 20, 0)),
        ("monthly", utc(2026, 11, 20, 12, 0), utc(2026, 11, 2, 15, 0)),  # Nov 1 is a Sunday
        # Spring forward, 2026-03-08: Monday 9:00 is EDT again.
        ("morning", utc(2026, 3, 9, 13, 0), utc(2026, 3, 9, 13, 0)),
        ("morning", utc(2026, 3, 6, 14, 0), utc(2026, 3, 6, 14, 0)),
    ],
)
def test_seed_slots_fall_at_local_times(name: str, now: datetime, slot_utc: datetime) -> None:
    checklist = Plan().checklist(name)
    assert checklist is not None
    slot = Schedule.parse(checklist.schedule).latest_slot(now, NY, BUSINESS)
    assert slot == slot_utc


def test_a_time_skipped_by_daylight_saving_moves_past_the_gap() -> None:
    slot = Schedule.parse("daily 02:30").latest_slot(utc(2026, 3, 8, 12, 0), NY, BUSINESS)
    assert slot == utc(2026, 3, 8, 7, 30)  # 03:30 EDT, the first instant after the gap


@pytest.mark.parametrize("text", ["weekly", "mon 25:00", "business days 9", "someday 09:00"])
def test_bad_schedules_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match="business days 09:00|not a time of day"):
        Schedule.parse(text)
