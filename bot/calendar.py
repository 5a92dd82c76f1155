"""When checklists are due: slots in the plan's timezone, right across daylight-saving changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(
    r"^(?P<days>business days|daily|first business day(?: of quarter)?|"
    r"(?:mon|tue|wed|thu|fri|sat|sun)"
    r"(?:,(?:mon|tue|wed|thu|fri|sat|sun))*) (?P<hour>\d{1,2}):(?P<minute>\d{2})$"
)
# Far enough back for a quarter's slot, so a quarterly one missed while down is still found.
LOOKBACK_DAYS = 93
QUARTER_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: "business days 09:00", "mon,wed 10:00", "first business day 10:00"."""

    days: str
    at: time

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """Parse the config form; ValueError names what is accepted."""
        match = _SPEC.match(" ".join(text.lower().split()))
        if not match:
            raise ValueError(
                f"not a schedule: {text!r} (use e.g. 'business days 09:00', 'mon 09:30', "
                "'mon,wed 10:00', 'daily 08:00', 'first business day 10:00' or "
                "'first business day of quarter 09:00')"
            )
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            raise ValueError(f"not a time of day in {text!r}")
        return cls(match["days"], time(hour, minute))

    def __str__(self) -> str:
        return f"{self.days} {self.at:%H:%M}"

    @property
    def daily(self) -> bool:
        """Whether it has a slot every day, or every business day."""
        return self.days in ("daily", "business days")

    def runs_on(self, day: date, business_days: tuple[str, ...]) -> bool:
        """Whether the schedule has a slot on this local date."""
        weekday = WEEKDAYS[day.weekday()]
        if self.days == "daily":
            return True
        if self.days == "business days":
            return weekday in business_days
        if self.days.startswith("first business day"):
            if self.days.endswith("quarter") and day.month not in QUARTER_MONTHS:
                return False
            return day == first_business_day(day.year, day.month, business_days)
        return weekday in self.days.split(",")

    def latest_slot(
        self, now: datetime, zone: ZoneInfo, business_days: tuple[str, ...]
    ) -> datetime | None:
        """The most recent slot at or before now (aware), or None within the look-back."""
        local_today = now.astimezone(zone).date()
        for back in range(LOOKBACK_DAYS):
            day = local_today - timedelta(days=back)
            if not self.runs_on(day, business_days):
                continue
            slot = local_slot(day, self.at, zone)
            if slot <= now:
                return slot
        return None


def first_business_day(year: int, month: int, business_days: tuple[str, ...]) -> date:
    """The month's first day that is a business day (its 1st if no weekday is one)."""
    first = date(year, month, 1)
    for offset in range(7):
        day = first + timedelta(days=offset)
        if WEEKDAYS[day.weekday()] in business_days:
            return day
    return first


def local_slot(day: date, at: time, zone: ZoneInfo) -> datetime:
    """day at the wall-clock time in zone; a time skipped by DST moves to just after the gap."""
    candidate = datetime.combine(day, at, tzinfo=zone)
    round_trip = candidate.astimezone(ZoneInfo("UTC")).astimezone(zone)
    if round_trip.replace(tzinfo=None) != candidate.replace(tzinfo=None):
        # The wall time does not exist that day (spring forward): the instant after the gap.
        return candidate.astimezone(ZoneInfo("UTC")).astimezone(zone)
    return candidate
