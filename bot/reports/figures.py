"""A period's figures, computed from its rows: counts, shares within target, and time spreads.

Definitions (the report's footer states them): time to acknowledge and to resolve run from
the declaration, or from when deferred pages went out; an incident resolved without an
acknowledgement counts as answered when it was resolved. Spreads are median and p90 with the
mean beside them; incidents still open at the cutoff are counted apart, never in the resolve
time. A share is decided once its target is met or has passed."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.config import Plan
from bot.reports.periods import Period
from bot.reports.queries import IncidentRow, PageRow, Rows, RunRow
from bot.store import RunStatus

LOWEST_RATING_SHOWN = 3
AFTER_HOURS_PEOPLE = 5


@dataclass(frozen=True)
class Spread:
    """Durations summarised: median and p90 (nearest rank), and the mean."""

    count: int
    median: timedelta | None = None
    p90: timedelta | None = None
    mean: timedelta | None = None

    @classmethod
    def of(cls, values: list[timedelta]) -> Spread:
        if not values:
            return cls(0)
        seconds = sorted(v.total_seconds() for v in values)
        n = len(seconds)
        middle = seconds[n // 2] if n % 2 else (seconds[n // 2 - 1] + seconds[n // 2]) / 2
        return cls(
            n,
            timedelta(seconds=round(middle)),
            timedelta(seconds=round(seconds[math.ceil(0.9 * n) - 1])),
            timedelta(seconds=round(sum(seconds) / n)),
        )


@dataclass(frozen=True)
class Share:
    """hit out of total; total 0 is "no data"."""

    hit: int
    total: int

    @property
    def percent(self) -> float | None:
        return None if not self.total else 100.0 * self.hit / self.total


@dataclass(frozen=True)
class TierFigures:
    """One tier's incidents and how they met their targets (tier 0: every tier together)."""

    tier: int
    name: str
    declared: int
    resolved: int
    open: int
    to_ack: Spread
    to_resolve: Spread
    ack_in_target: Share
    # None: the tier has no resolution target (the next release).
    resolve_in_target: Share | None
    unacknowledged: int
    unresolved: int
    ack_breaches: int
    resolve_breaches: int


@dataclass(frozen=True)
class LevelFigures:
    """Pages to one escalation level and how fast it answered."""

    level: int
    name: str
    sent: int
    acknowledged: int
    declined: int
    escalations: int
    to_ack: Spread


@dataclass(frozen=True)
class ChecklistFigures:
    """One checklist's slots in the period and how much of them was ticked."""

    name: str
    title: str
    posted: int
    ticked: Share
    late: int
    missed: int


@dataclass(frozen=True)
class Figures:
    """Everything a report shows for one period."""

    period: Period
    tiers: tuple[TierFigures, ...]
    total: TierFigures
    levels: tuple[LevelFigures, ...]
    oldest_open: tuple[int, str, datetime] | None
    checklists: tuple[ChecklistFigures, ...]
    ratings: int
    rating_mean: float | None
    lowest_ratings: tuple[tuple[int, str, int], ...]
    lessons: tuple[tuple[int, str, str], ...]
    lessons_total: int
    corrections: tuple[tuple[int, str, str], ...]
    corrections_total: int
    after_hours: Share
    after_hours_people: tuple[tuple[str, int], ...]
    per_day: tuple[tuple[date, dict[int, int]], ...]


def clock_start(row: IncidentRow) -> datetime:
    """When the incident's clock started: its declaration, or when its deferred pages went."""
    deferred = row.deferred_until
    return deferred if deferred is not None and deferred > row.created_at else row.created_at


def _before(moment: datetime | None, cutoff: datetime) -> datetime | None:
    return moment if moment is not None and moment < cutoff else None


def tier_figures(
    tier: int,
    name: str,
    declared: list[IncidentRow],
    rows: Rows,
    cutoff: datetime,
    *,
    resolve_target: bool = True,
) -> TierFigures:
    """One tier's figures (tier 0 with every declared row: all tiers together)."""
    to_ack: list[timedelta] = []
    to_resolve: list[timedelta] = []
    ack_hit = ack_total = res_hit = res_total = unacked = unresolved = 0
    for row in declared:
        start = clock_start(row)
        resolved = _before(row.resolved_at, cutoff)
        answered = _before(row.acknowledged_at, cutoff) or resolved
        if answered is not None:
            to_ack.append(max(answered - start, timedelta()))
        else:
            unacked += 1
        if answered is not None or row.ack_due_at < cutoff:
            ack_total += 1
            ack_hit += answered is not None and answered <= row.ack_due_at
        if resolved is not None:
            to_resolve.append(max(resolved - start, timedelta()))
        else:
            unresolved += 1
        if row.resolve_due_at is not None:
            if resolved is not None or row.resolve_due_at < cutoff:
                res_total += 1
                res_hit += resolved is not None and resolved <= row.resolve_due_at

    def pick(counts: dict[int, int]) -> int:
        return sum(counts.values()) if tier == 0 else counts.get(tier, 0)

    return TierFigures(
        tier=tier,
        name=name,
        declared=len(declared),
        resolved=pick(rows.resolved_by_tier),
        open=pick(rows.open_by_tier),
        to_ack=Spread.of(to_ack),
        to_resolve=Spread.of(to_resolve),
        ack_in_target=Share(ack_hit, ack_total),
        resolve_in_target=Share(res_hit, res_total) if resolve_target else None,
        unacknowledged=unacked,
        unresolved=unresolved,
        ack_breaches=pick(rows.ack_breaches),
        resolve_breaches=pick(rows.resolve_breaches),
    )


def level_figures(
    plan: Plan, rows: Rows, period: Period, numbers: list[int]
) -> tuple[LevelFigures, ...]:
    """Pages, answers and escalations per escalation level."""
    pages: dict[int, list[PageRow]] = defaultdict(list)
    for page in rows.pages:
        pages[page.level].append(page)
    answered: dict[int, list[timedelta]] = defaultdict(list)
    by_incident: dict[int, list[PageRow]] = defaultdict(list)
    for page in rows.pages:
        by_incident[page.incident_id].append(page)
    for incident_pages in by_incident.values():
        acked_at, by = incident_pages[0].acknowledged_at, incident_pages[0].acknowledged_by
        theirs = [p for p in incident_pages if acked_at and p.user == by and p.sent_at <= acked_at]
        if acked_at is None or not theirs:
            continue
        level = theirs[-1].level
        first = min(p.sent_at for p in incident_pages if p.level == level)
        answered[level].append(acked_at - first)
    firsts: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for incident_id, level, first in rows.level_firsts:
        firsts[incident_id].append((level, first))
    escalations: Counter[int] = Counter()
    for levels in firsts.values():
        initial = min(first for _, first in levels)
        for level, first in levels:
            if first > initial and period.start <= first < period.cutoff:
                escalations[level] += 1
    return tuple(
        LevelFigures(
            level=n,
            name=plan.level(n).name if n <= plan.max_level else f"Level {n}",
            sent=len(pages[n]),
            acknowledged=len(answered[n]),
            declined=sum(p.declined for p in pages[n]),
            escalations=escalations[n],
            to_ack=Spread.of(answered[n]),
        )
        for n in numbers
    )


def checklist_figures(runs: list[RunRow]) -> tuple[ChecklistFigures, ...]:
    """Per checklist: slots posted, items ticked of items posted, late and missed slots."""
    grouped: dict[str, list[RunRow]] = defaultdict(list)
    for run in runs:
        grouped[run.checklist].append(run)
    figures = []
    for name, its in grouped.items():
        posted = [r for r in its if r.status != RunStatus.MISSED]
        figures.append(
            ChecklistFigures(
                name=name,
                title=its[-1].title,
                posted=len(posted),
                ticked=Share(sum(r.ticked for r in posted), sum(r.items for r in posted)),
                late=sum(r.status == RunStatus.LATE for r in its),
                missed=sum(r.status == RunStatus.MISSED for r in its),
            )
        )
    return tuple(figures)


def in_business_hours(plan: Plan, moment: datetime) -> bool:
    """Whether a moment falls in the plan's business hours."""
    local = moment.astimezone(plan.zone)
    hours = plan.business_hours
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()]
    return weekday in hours.days and hours.start <= local.time() < hours.end


def compute(plan: Plan, period: Period, rows: Rows, tiers: list[int], levels: list[int]) -> Figures:
    """The figures of one period from its rows, for these tiers and levels."""
    cutoff = period.cutoff

    def one(n: int) -> TierFigures:
        declared = [r for r in rows.declared if r.tier == n]
        config = plan.tiers.get(n)
        # A tier the plan no longer has keeps the targets its incidents were declared under.
        target = config.resolve is not None if config else any(r.resolve_due_at for r in declared)
        name = config.name if config else f"Tier {n}"
        return tier_figures(n, name, declared, rows, cutoff, resolve_target=target)

    per_tier = tuple(one(n) for n in tiers)
    daily: dict[date, Counter[int]] = {day: Counter() for day in period.days()}
    for row in rows.declared:
        daily.setdefault(row.created_at.astimezone(plan.zone).date(), Counter())[row.tier] += 1
    outside = [p for p in rows.pages if not in_business_hours(plan, p.sent_at)]
    people = Counter(p.user for p in outside).most_common(AFTER_HOURS_PEOPLE)
    ratings = [r for _, _, r in rows.ratings]
    return Figures(
        period=period,
        tiers=per_tier,
        total=tier_figures(0, "All tiers", rows.declared, rows, cutoff),
        levels=level_figures(plan, rows, period, levels),
        oldest_open=rows.oldest_open,
        checklists=checklist_figures(rows.runs),
        ratings=len(ratings),
        rating_mean=sum(ratings) / len(ratings) if ratings else None,
        lowest_ratings=tuple(r for r in rows.ratings if r[2] <= LOWEST_RATING_SHOWN)[:5],
        lessons=tuple(rows.lessons),
        lessons_total=rows.lessons_total,
        corrections=tuple(rows.corrections),
        corrections_total=rows.corrections_total,
        after_hours=Share(len(outside), len(rows.pages)),
        after_hours_people=tuple(people),
        per_day=tuple((day, dict(counts)) for day, counts in sorted(daily.items())),
    )
