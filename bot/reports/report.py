"""A report: one period's figures beside the previous period's, with the success metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Plan
from bot.reports.figures import Figures, LevelFigures, TierFigures, compute
from bot.reports.metrics import SuccessMetric, success_metrics
from bot.reports.monitored import measured
from bot.reports.periods import Period
from bot.reports.queries import Rows, read_rows
from bot.store import ReportKind, RunStatus


@dataclass(frozen=True)
class Report:
    """Everything one report shows; status says how a posted one went out (late, on request)."""

    kind: ReportKind
    figures: Figures
    previous: Figures
    first_month: bool
    metrics: tuple[SuccessMetric, ...]
    generated_at: datetime
    status: RunStatus | None = None

    @property
    def tiers(self) -> list[tuple[TierFigures, TierFigures]]:
        """Every tier's figures beside the previous period's, all tiers together first."""
        return [
            (self.figures.total, self.previous.total),
            *zip(self.figures.tiers, self.previous.tiers, strict=True),
        ]

    @property
    def levels(self) -> list[tuple[LevelFigures, LevelFigures]]:
        """Every level's figures beside the previous period's."""
        return list(zip(self.figures.levels, self.previous.levels, strict=True))

    @property
    def short(self) -> bool:
        """Daily metrics are the short form."""
        return self.kind == ReportKind.DAILY


def tiers_in(plan: Plan, *periods: Rows) -> list[int]:
    """The plan's tiers and any other an incident of these periods has."""
    found = {t for rows in periods for t in (*(r.tier for r in rows.declared), *rows.open_by_tier)}
    return sorted({*plan.tiers, *found})


def levels_in(plan: Plan, *periods: Rows) -> list[int]:
    """The plan's levels and any other a page of these periods went to."""
    found = {n for rows in periods for n in (*(p.level for p in rows.pages),)}
    found |= {level for rows in periods for _, level, _ in rows.level_firsts}
    return sorted({*range(1, plan.max_level + 1), *found})


async def build_report(
    session: AsyncSession,
    plan: Plan,
    period: Period,
    *,
    generated_at: datetime,
    status: RunStatus | None = None,
) -> Report:
    """Read and compute the period and the one before it."""
    rows = await read_rows(session, period.start, period.cutoff)
    before = period.previous()
    earlier = await read_rows(session, before.start, before.cutoff)
    tiers, levels = tiers_in(plan, rows, earlier), levels_in(plan, rows, earlier)
    figures = compute(plan, period, rows, tiers, levels)
    previous = compute(plan, before, earlier, tiers, levels)
    early, metrics = success_metrics(
        plan,
        period,
        rows.declared,
        figures.rating_mean,
        figures.ratings,
        measured=(
            await measured(session, plan, period.start, period.cutoff),
            await measured(session, plan, before.start, before.cutoff),
        ),
    )
    return Report(
        kind=period.kind,
        figures=figures,
        previous=previous,
        first_month=early,
        metrics=metrics,
        generated_at=generated_at,
        status=status,
    )
