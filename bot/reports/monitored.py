"""Monitoring's figures for a report period, read with the monitoring read side."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Plan
from bot.monitoring.uptime import Uptime, uptime
from bot.reports.measured import Measured

# The monitors whose figures are the site's: those that fetch a page. Host, database, metric
# and sql monitors watch parts, and their numbers are not response times.
SITE_KINDS = frozenset({"http"})


def combined(figures: list[Uptime]) -> Uptime:
    """Several monitors' figures as one, by time: the sums of their seconds and checks."""
    checks = sum(f.checks for f in figures)
    timed = [(f.avg_response_ms, f.checks) for f in figures if f.avg_response_ms is not None]
    weight = sum(n for _, n in timed)
    return Uptime(
        period_s=sum(f.period_s for f in figures),
        up_s=sum(f.up_s for f in figures),
        degraded_s=sum(f.degraded_s for f in figures),
        down_s=sum(f.down_s for f in figures),
        unknown_s=sum(f.unknown_s for f in figures),
        maintenance_s=sum(f.maintenance_s for f in figures),
        checks=checks,
        failed_checks=sum(f.failed_checks for f in figures),
        avg_response_ms=sum(ms * n for ms, n in timed) / weight if weight else None,
    )


async def measured(session: AsyncSession, plan: Plan, since: datetime, until: datetime) -> Measured:
    """Uptime, mean response time and error rate of the site's monitors over [since, until)."""
    names = [m.name for m in plan.monitors if m.check.kind in SITE_KINDS]
    if not names:
        return Measured()
    figures = await uptime(session, names, since, until, plan=plan)
    total = combined(list(figures.values()))
    return Measured(
        monitors=len(names),
        uptime=total.percent,
        coverage=total.coverage if total.observed_s else None,
        response_s=None if total.avg_response_ms is None else total.avg_response_ms / 1000,
        error_rate=total.error_rate,
        errors_from_checks=True,
    )
