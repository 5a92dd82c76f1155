"""Report periods in the plan's timezone: a day, a Monday-to-Sunday week, a month, a quarter.

Boundaries are local midnights, so a week that spans a daylight-saving change is 167 or 169
hours long, as the people reading it lived it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.calendar import local_slot
from bot.store import ReportKind


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # In UTC: Python subtracts two datetimes of the same zone by their wall clocks, which
    # would make every week 168 hours long.
    return local_slot(day, time(0), zone).astimezone(UTC)


def _first_day(kind: ReportKind, day: date) -> date:
    if kind == ReportKind.DAILY:
        return day
    if kind == ReportKind.WEEKLY:
        return day - timedelta(days=day.weekday())
    if kind == ReportKind.MONTHLY:
        return day.replace(day=1)
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _next_first_day(kind: ReportKind, first: date) -> date:
    if kind == ReportKind.DAILY:
        return first + timedelta(days=1)
    if kind == ReportKind.WEEKLY:
        return first + timedelta(days=7)
    months = 1 if kind == ReportKind.MONTHLY else 3
    month = first.month - 1 + months
    return date(first.year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """[start, end) in local midnights; figures count what happened before cutoff (≤ end)."""

    kind: ReportKind
    start: datetime
    end: datetime
    cutoff: datetime
    zone: ZoneInfo

    @classmethod
    def containing(cls, kind: ReportKind, moment: datetime, zone: ZoneInfo) -> Period:
        """The period of this kind that moment falls in, so far (cutoff = moment)."""
        first = _first_day(kind, moment.astimezone(zone).date())
        start = _midnight(first, zone)
        end = _midnight(_next_first_day(kind, first), zone)
        return cls(kind, start, end, min(moment, end), zone)

    @classmethod
    def last_complete(cls, kind: ReportKind, moment: datetime, zone: ZoneInfo) -> Period:
        """The whole period before the one moment falls in."""
        current = cls.containing(kind, moment, zone)
        before = cls.containing(kind, current.start - timedelta(microseconds=1), zone)
        return replace(before, cutoff=before.end)

    @property
    def complete(self) -> bool:
        """Whether the figures cover the whole period."""
        return self.cutoff >= self.end

    @property
    def first_day(self) -> date:
        """The local date the period starts on."""
        return self.start.astimezone(self.zone).date()

    def previous(self) -> Period:
        """The period before, cut at the same point of it (the same weekday and time, the same
        day of the month), so a week so far is set beside the same part of the week before."""
        whole = Period.last_complete(self.kind, self.start, self.zone)
        if self.complete:
            return whole
        local = self.cutoff.astimezone(self.zone)
        elapsed = local.replace(tzinfo=None) - self.start.astimezone(self.zone).replace(tzinfo=None)
        wall = whole.start.astimezone(self.zone).replace(tzinfo=None) + elapsed
        cutoff = local_slot(wall.date(), wall.time(), self.zone).astimezone(UTC)
        return replace(whole, cutoff=min(cutoff, whole.end))

    def days(self) -> list[date]:
        """Every local date from the start up to the cutoff."""
        last = (self.cutoff - timedelta(microseconds=1)).astimezone(self.zone).date()
        count = max(0, (last - self.first_day).days + 1)
        return [self.first_day + timedelta(days=n) for n in range(count)]

    @property
    def label(self) -> str:
        """How people name it: Mon 30 Nov 2026, week of Mon 23 Nov 2026, November 2026, Q4 2026."""
        first = self.first_day
        if self.kind == ReportKind.DAILY:
            return f"{first:%a %d %b %Y}"
        if self.kind == ReportKind.WEEKLY:
            return f"week of {first:%a %d %b %Y}"
        if self.kind == ReportKind.MONTHLY:
            return f"{first:%B %Y}"
        return f"Q{(first.month - 1) // 3 + 1} {first.year}"
