"""Time as a dependency, so schedules and deadlines can be tested without waiting."""

from __future__ import annotations

from datetime import UTC, datetime
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
