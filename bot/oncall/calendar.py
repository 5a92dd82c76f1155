"""The on-call calendar: phases from launch_date, business hours, the daily rotation.

Pure functions of the plan and a time, so they are cheap enough to ask per page and easy to
test across daylight-saving changes. Phases change at a handoff (the start of business hours),
never at midnight, so nobody is on call for a few hours by accident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.calendar import WEEKDAYS, Schedule, local_slot
from bot.config import Plan


class Phase(StrEnum):
    """The seed's on-call schedule."""

    ALL_HANDS = "all_hands"  # weeks 1-2: the development team 24/7 with level 1
    ROTATION = "rotation"  # weeks 3-4: one person per level, daily handoff
    STEADY = "steady"  # month 2 on: the rotation in business hours, plus critical only


PHASE_TITLES = {
    Phase.ALL_HANDS: "Weeks 1–2: development team on call 24/7",
    Phase.ROTATION: "Weeks 3–4: one person per level, rotating daily",
    Phase.STEADY: "Month 2 on: business hours plus critical issues only",
}


@dataclass(frozen=True)
class Calendar:
    """Business hours and on-call phases of one plan, in its timezone."""

    plan: Plan

    @property
    def zone(self) -> ZoneInfo:
        return self.plan.zone

    @property
    def _days(self) -> tuple[str, ...]:
        # Without duplicates: _business_days counts len(_days) per week.
        return tuple(dict.fromkeys(self.plan.business_hours.days))

    def is_business_day(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self._days

    def business_start(self, day: date) -> datetime:
        """The start of business hours on a local date (whether or not it is a business day)."""
        return local_slot(day, self.plan.business_hours.start, self.zone)

    def business_end(self, day: date) -> datetime:
        return local_slot(day, self.plan.business_hours.end, self.zone)

    def is_business_hours(self, at: datetime) -> bool:
        """Whether at falls inside business hours, in local time."""
        day = at.astimezone(self.zone).date()
        return self.is_business_day(day) and self.business_start(day) <= at < self.business_end(day)

    def next_business_start(self, after: datetime) -> datetime:
        """The first start of business hours strictly after a time."""
        day = after.astimezone(self.zone).date()
        for ahead in range(15):
            candidate = day + timedelta(days=ahead)
            if self.is_business_day(candidate) and self.business_start(candidate) > after:
                return self.business_start(candidate)
        raise ValueError("no business days configured")

    def latest_business_start(self, at: datetime) -> datetime | None:
        """The most recent start of business hours at or before a time."""
        return Schedule("business days", self.plan.business_hours.start).latest_slot(
            at, self.zone, self._days
        )

    def _first_start_on_or_after(self, day: date) -> datetime:
        return self.next_business_start(
            local_slot(day, time(0, 0), self.zone) - timedelta(microseconds=1)
        )

    # Fixed by the plan, and asked at every page (phase): worked out once.
    @cached_property
    def rotation_begins(self) -> datetime:
        """The handoff that ends the all-hands weeks."""
        phases = self.plan.paging.phases
        return self._first_start_on_or_after(
            self.plan.launch_date + timedelta(days=phases.all_hands_days)
        )

    @cached_property
    def steady_begins(self) -> datetime:
        """The handoff that starts business-hours-plus-critical coverage."""
        phases = self.plan.paging.phases
        return max(
            self.rotation_begins,
            self._first_start_on_or_after(
                self.plan.launch_date + timedelta(days=phases.all_hands_days + phases.rotation_days)
            ),
        )

    def phase(self, at: datetime) -> Phase:
        """The on-call phase at a time."""
        if at < self.rotation_begins:
            return Phase.ALL_HANDS
        if at < self.steady_begins:
            return Phase.ROTATION
        return Phase.STEADY

    def handoff_index(self, at: datetime) -> int:
        """How many handoffs have happened since the rotation began, minus one (0 at the first)."""
        first = self.rotation_begins
        if at < first:
            return 0
        start_day = first.astimezone(self.zone).date()
        day = at.astimezone(self.zone).date()
        if self.business_start(day) > at:
            day -= timedelta(days=1)
        return max(self._business_days(start_day, day) - 1, 0)

    def _business_days(self, first: date, last: date) -> int:
        """Business days in first..last inclusive, counted without walking every day."""
        if last < first:
            return 0
        total_days = (last - first).days + 1
        weeks, rest = divmod(total_days, 7)
        count = weeks * len(self._days)
        for offset in range(rest):
            if self.is_business_day(first + timedelta(days=weeks * 7 + offset)):
                count += 1
        return count

    def next_handoff(self, at: datetime) -> datetime:
        """The next handoff after a time (the rotation's first one during the all-hands weeks)."""
        if at < self.rotation_begins:
            return self.rotation_begins
        return self.next_business_start(at)

    def scheduled(self, members: tuple[str, ...], at: datetime) -> tuple[str, ...]:
        """Who of a level's members the schedule puts on call at a time, before overrides."""
        if self.phase(at) is Phase.ALL_HANDS or not members:
            return members
        return (members[self.handoff_index(at) % len(members)],)

    def pages_now(self, tier: int, dm_hours: str, at: datetime) -> bool:
        """Whether a tier's pages may go out by DM at a time, or wait for business hours."""
        if self.is_business_hours(at):
            return True
        if dm_hours == "business":
            return False
        # Month 2 on: outside business hours only the most severe tier pages.
        return self.phase(at) is not Phase.STEADY or tier == min(self.plan.tiers)
