"""What monitoring measured over a report's period, as the success metrics read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    """Uptime, response time and error rate over a period, across the monitors that count
    (None: no data). `monitors` is how many the figures rest on (0: none configured)."""

    monitors: int = 0
    uptime: float | None = None  # % of observed time not down
    coverage: float | None = None  # % of the period observed
    response_s: float | None = None  # mean response time
    error_rate: float | None = None  # % of requests failing, or of checks failing
    errors_from_checks: bool = False

    def source(self, key: str) -> str:
        """What a figure rests on, said on the report beside it."""
        if not self.monitors:
            return "no monitors configured"
        if key == "uptime" and self.coverage is not None:
            return f"{self.monitors} monitor{'s' if self.monitors != 1 else ''}, " + (
                f"{self.coverage:.0f} % of the period observed"
            )
        if key == "error_rate" and self.errors_from_checks and self.error_rate is not None:
            return "share of failed checks: no monitor measures error_rate"
        return ""
