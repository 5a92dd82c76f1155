"""Time as a dependency, so schedules and deadlines can be tested without waiting."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time, timezone-aware."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock (time-machine can still move it in tests)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class TravelClock:
    """A clock that starts at a chosen moment, runs at real speed, and can jump ahead.

    Tests use it so time-of-day rules (business hours, phases) are fixed while retries and
    backoffs still see time pass."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._started = time.monotonic()
        self._jumped = timedelta()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._started) + self._jumped

    def advance(self, by: timedelta) -> None:
        """Jump forward (never back: deadlines already passed stay passed)."""
        self._jumped += max(by, timedelta())
