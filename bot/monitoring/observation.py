"""One monitor check as the rules and the samples see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.checks import CheckResult
from bot.store.states import SampleState


@dataclass(frozen=True)
class Observation:
    """What one check of a monitor found, and when.

    `until` is when the next check was due: this observation speaks for the monitor up to then,
    and time after it with no newer observation is a gap, not downtime."""

    monitor: str
    at: datetime
    until: datetime
    state: SampleState
    result: CheckResult

    @property
    def response_ms(self) -> int | None:
        value = self.result.values.get("response_ms")
        return None if value is None else round(value)

    @property
    def value(self) -> float | None:
        """The number a metric, sql, tls (days left) check read."""
        return self.result.values.get("value")
