"""The seed plan's success metrics against a period: first-month targets during the month after
launch_date, ongoing ones after. What monitoring measures (uptime, response time, error rate)
comes from the monitors' samples, and reads "no data" where there are none: never a made-up 0
or 100 %."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.config import Plan
from bot.reports.figures import Share, clock_start
from bot.reports.measured import Measured
from bot.reports.periods import Period
from bot.reports.queries import IncidentRow


class Verdict(StrEnum):
    """How a metric stands against its target."""

    MET = "met"
    MISSED = "missed"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class SuccessMetric:
    """One target: what it measures, its limit, and the period's value where there is one."""

    key: str
    # "above" or "below": which side of limit meets the target.
    side: str
    limit: float
    share: Share | None = None
    mean: float | None = None
    count: int = 0
    within: timedelta | None = None
    # Monitoring's figures: the previous period's value, and what the value rests on.
    previous: float | None = None
    coverage: float | None = None
    source: str = ""

    @property
    def verdict(self) -> Verdict:
        if self.share is not None:
            if not self.share.total:
                return Verdict.NO_DATA
            return Verdict.MET if self.share.hit == self.share.total else Verdict.MISSED
        if self.mean is None:
            return Verdict.NO_DATA
        met = self.mean > self.limit if self.side == "above" else self.mean < self.limit
        return Verdict.MET if met else Verdict.MISSED


def _add_month(day: date) -> date:
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    for back in range(4):  # 31 Jan + 1 month is the last day of February
        try:
            return day.replace(year=year, month=month, day=day.day - back)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def first_month(plan: Plan, period: Period) -> bool:
    """Whether the period starts within the month after launch (or before launch)."""
    return period.first_day < _add_month(plan.launch_date)


def resolved_within(declared: list[IncidentRow], limit: timedelta, cutoff: datetime) -> Share:
    """Incidents resolved within limit of their clock start, of those decided by cutoff (an
    incident still open past the limit has missed it; a younger open one is not yet decided)."""
    hit = total = 0
    for row in declared:
        start = clock_start(row)
        resolved = row.resolved_at if row.resolved_at and row.resolved_at < cutoff else None
        if resolved is not None:
            total += 1
            hit += resolved - start < limit
        elif cutoff - start >= limit:
            total += 1
    return Share(hit, total)


def success_metrics(
    plan: Plan,
    period: Period,
    declared: list[IncidentRow],
    rating_mean: float | None,
    ratings: int,
    *,
    measured: tuple[Measured, Measured] = (Measured(), Measured()),
) -> tuple[bool, tuple[SuccessMetric, ...]]:
    """(first month?, each metric against its target); measured: monitoring's figures for the
    period and the one before."""
    early = first_month(plan, period)
    now, before = measured
    if early:
        critical = [r for r in declared if r.tier == min(plan.tiers)]
        resolution = SuccessMetric(
            "critical_resolved",
            "below",
            2,
            share=resolved_within(critical, timedelta(hours=2), period.cutoff),
            within=timedelta(hours=2),
        )
    else:
        resolution = SuccessMetric(
            "ticket_resolution",
            "below",
            24,
            share=resolved_within(declared, timedelta(hours=24), period.cutoff),
            within=timedelta(hours=24),
        )
    return early, (
        SuccessMetric(
            "uptime",
            "above",
            99.5 if early else 99.9,
            mean=now.uptime,
            previous=before.uptime,
            coverage=now.coverage,
            source=now.source("uptime"),
        ),
        SuccessMetric(
            "response_time",
            "below",
            2.0 if early else 1.5,
            mean=now.response_s,
            previous=before.response_s,
            source=now.source("response_time"),
        ),
        SuccessMetric(
            "error_rate",
            "below",
            0.1 if early else 0.05,
            mean=now.error_rate,
            previous=before.error_rate,
            source=now.source("error_rate"),
        ),
        resolution,
        SuccessMetric(
            "satisfaction", "above", 4.0 if early else 4.5, mean=rating_mean, count=ratings
        ),
    )
