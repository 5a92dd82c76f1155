"""Report figures from seeded databases (SQLite and PostgreSQL): every figure worked out by hand
in tests/support/report_seed.py, and periods in the configured timezone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.reports import Period, Share, Spread
from bot.reports.metrics import Verdict
from bot.services import Services, build_services
from bot.store import ReportKind
from tests.support.report_seed import FRIDAY_1600, local, minutes, seed_week

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
async def services(database_url: str, plan: Plan, db: sa.Engine) -> AsyncIterator[Services]:
    seed_week(db, plan)
    built = build_services(Settings(database_url=database_url), plan, FixedClock(FRIDAY_1600))
    yield built
    await built.close()


async def weekly(services: Services):
    return await services.reports.build(services.reports.period(ReportKind.WEEKLY))


async def test_incidents_by_tier_and_the_oldest_open(services):
    report = await weekly(services)
    f = report.figures
    assert [(t.tier, t.declared, t.resolved, t.open) for t in f.tiers] == [
        (1, 2, 2, 0),
        (2, 1, 1, 2),
        (3, 2, 1, 1),
        (4, 1, 1, 0),
    ]
    assert (f.total.declared, f.total.resolved, f.total.open) == (6, 5, 3)
    assert f.oldest_open is not None and f.oldest_open[0] == 6
    assert (f.total.ack_breaches, f.total.resolve_breaches) == (1, 2)


async def test_time_to_acknowledge_and_resolve_with_open_incidents_apart(services):
    f = (await weekly(services)).figures
    tier1, tier2, tier3, tier4 = f.tiers
    assert tier1.to_ack == Spread(2, minutes(13), minutes(20), minutes(13))
    assert tier1.to_resolve == Spread(2, minutes(135), minutes(180), minutes(135))
    assert (tier1.ack_in_target, tier1.resolve_in_target) == (Share(1, 2), Share(1, 2))
    # Incident 8's clock starts when its deferred pages went out (09:00), not at 06:00.
    assert tier3.to_ack == Spread(2, minutes(20), minutes(30), minutes(20))
    assert tier3.to_resolve == Spread(1, minutes(69), minutes(69), minutes(69))
    assert (tier3.unresolved, tier3.resolve_in_target) == (1, Share(1, 2))
    # Not yet acknowledged, target still ahead: undecided, not a miss.
    assert (tier2.unacknowledged, tier2.ack_in_target, tier2.to_ack.count) == (1, Share(0, 0), 0)
    # Resolved without an acknowledgement: answered when resolved; no resolution target.
    assert tier4.to_ack == Spread(1, minutes(60), minutes(60), minutes(60))
    assert tier4.resolve_in_target is None
    total = f.total
    assert total.to_ack == Spread(5, minutes(20), minutes(60), minutes(25.2))
    assert total.to_resolve == Spread(4, minutes(79.5), minutes(180), minutes(99.75))
    assert (total.ack_in_target, total.resolve_in_target) == (Share(4, 5), Share(2, 4))


async def test_pages_escalations_and_after_hours_load(services):
    f = (await weekly(services)).figures
    levels = {lvl.level: lvl for lvl in f.levels}
    assert [
        (n, lvl.sent, lvl.acknowledged, lvl.declined, lvl.escalations) for n, lvl in levels.items()
    ] == [(1, 8, 3, 1, 0), (2, 2, 0, 0, 0), (3, 1, 1, 0, 1), (4, 0, 0, 0, 0)]
    assert levels[1].to_ack.median == minutes(10)
    assert levels[3].to_ack.median == minutes(5)
    assert f.after_hours == Share(4, 11)
    assert f.after_hours_people == (("U0SUP1", 2), ("U0DEV1", 1), ("U0ARCH1", 1))


async def test_checklists_ratings_lessons_and_corrections(services):
    f = (await weekly(services)).figures
    morning, friday = f.checklists
    assert (morning.name, morning.posted, morning.ticked, morning.late, morning.missed) == (
        "morning",
        2,
        Share(10, 12),
        1,
        1,
    )
    assert (friday.posted, friday.ticked) == (1, Share(0, 4))
    assert (f.ratings, f.rating_mean, f.lowest_ratings) == (2, 3.5, ((2, "incident 2", 2),))
    assert f.lessons == ((1, "incident 1", "Add a canary for checkout"),)
    assert (f.corrections_total, f.corrections) == (1, ((3, "U0SUP2", "4 → 3"),))


async def test_the_week_before_is_cut_at_the_same_point(services):
    report = await weekly(services)
    p = report.previous
    # No Tier 1 incident then: no data ("—"), not "no target" as for Tier 4.
    assert (p.tiers[0].resolve_in_target, p.tiers[3].resolve_in_target) == (Share(0, 0), None)
    assert (p.period.start, p.period.cutoff) == (local(16, 0), local(20, 16))
    assert (p.total.declared, p.total.resolved, p.total.open) == (1, 0, 1)  # not incident 7
    assert (p.total.ack_in_target, p.total.resolve_in_target) == (Share(1, 1), Share(0, 1))
    assert p.total.resolve_breaches == 1


async def test_success_metrics_against_first_month_targets(services):
    report = await weekly(services)
    assert report.first_month
    verdicts = {m.key: m.verdict for m in report.metrics}
    assert verdicts == {
        "uptime": Verdict.NO_DATA,
        "response_time": Verdict.NO_DATA,
        "error_rate": Verdict.NO_DATA,
        "critical_resolved": Verdict.MISSED,  # incident 2 took 3 h
        "satisfaction": Verdict.MISSED,  # 3.5 is not above 4
    }
    critical = next(m for m in report.metrics if m.key == "critical_resolved")
    assert critical.share == Share(1, 2)


async def test_the_rendered_report_shows_the_figures(services):
    messages = services.reports.messages(await weekly(services))
    assert len(messages) == 1
    text = str(messages[0].blocks)
    for expected in (
        "*Tier 1 · Critical*: 2 _(prev 0, +2)_ declared · 2 _(prev 0, +2)_ resolved · 0 open",
        "Oldest open: INC-6 incident 6",
        "*All tiers*: acknowledged 4/5 _(prev 1/1)_ · resolved 2/4 _(prev 0/1)_",
        "to acknowledge 20 min · p90 1 h (mean 25 min) _(prev 30 min)_",
        "to resolve 1 h 19 min · p90 3 h (mean 1 h 39 min) _(prev no data)_",
        "1 still open, not counted",
        "*L3 Senior Developer/Architect*: 1 _(prev 0, +1)_ pages · 1 acknowledged, median 5 min",
        "*🌙 Pages outside business hours*: 36 % (4/11) _(prev 0/1)_ — <@U0SUP1> 2",
        "*Morning*: 83 % (10/12) items ticked · 2 posted · 1 late · 1 missed",
        "3.5/5 from 2 ratings _(prev no data)_\\nLowest: 2/5 INC-2 incident 2",
        "INC-3 tier 4 → 3 by <@U0SUP2>",
        "❌ Critical issues resolved < 2 h: 1/2 within 2 h",
        "⚪ Uptime > 99.5 %: no data _(prev no data)_ (no monitors configured)",
        "Generated Fri 27 Nov 2026 16:00 EST",
    ):
        assert expected in text, expected


async def test_an_empty_period_reads_no_data(database_url, plan):
    built = build_services(Settings(database_url=database_url), plan, FixedClock(FRIDAY_1600))
    try:
        report = await built.reports.build(built.reports.period(ReportKind.MONTHLY))
        text = str(built.reports.messages(report)[0].blocks)
    finally:
        await built.close()
    assert report.figures.total.to_ack == Spread(0)
    assert "No incidents — no data." in text
    assert "acknowledged no data _(prev no data)_" in text
    assert "⚪ User satisfaction > 4/5: no data" in text
    assert "resolved no data _(prev no data)_" in text and "no target" not in text
    assert "0 %" not in text and "100 %" not in text


def test_a_week_spanning_the_clocks_going_back_is_169_hours():
    # 1 November 2026: New York falls back from EDT to EST.
    week = Period.containing(ReportKind.WEEKLY, datetime(2026, 10, 28, 12, tzinfo=UTC), NEW_YORK)
    assert week.start == datetime(2026, 10, 26, 4, tzinfo=UTC)  # Monday 00:00 EDT
    assert week.end == datetime(2026, 11, 2, 5, tzinfo=UTC)  # Monday 00:00 EST
    assert week.end - week.start == timedelta(hours=169)
    # /report weekly on Wednesday 4 Nov is the week of 2 Nov; last week is the long one.
    last = Period.last_complete(ReportKind.WEEKLY, datetime(2026, 11, 4, 12, tzinfo=UTC), NEW_YORK)
    assert (last.start, last.end, last.complete) == (week.start, week.end, True)


def test_the_previous_period_so_far_keeps_the_wall_clock_across_a_dst_change():
    # Monday 2 Nov 10:00 EST; the same point a week before was Monday 26 Oct 10:00 EDT.
    now = datetime(2026, 11, 2, 15, tzinfo=UTC)
    before = Period.containing(ReportKind.WEEKLY, now, NEW_YORK).previous()
    assert before.cutoff == datetime(2026, 10, 26, 14, tzinfo=UTC)
    assert before.days() == [date(2026, 10, 26)]


def test_months_and_quarters_start_at_local_midnight():
    now = datetime(2026, 11, 27, 21, tzinfo=UTC)
    month = Period.containing(ReportKind.MONTHLY, now, NEW_YORK)
    quarter = Period.last_complete(ReportKind.QUARTERLY, now, NEW_YORK)
    assert (month.label, month.start) == ("November 2026", datetime(2026, 11, 1, 4, tzinfo=UTC))
    assert (quarter.label, quarter.start, quarter.end) == (
        "Q3 2026",
        datetime(2026, 7, 1, 4, tzinfo=UTC),
        datetime(2026, 10, 1, 4, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("day", "first_month"),
    [(date(2026, 11, 2), True), (date(2026, 12, 1), True), (date(2026, 12, 2), False)],
)
async def test_first_month_targets_switch_to_ongoing_on_the_right_day(
    sqlite_url, plan, day, first_month
):
    moment = datetime.combine(day, datetime.min.time(), tzinfo=NEW_YORK) + timedelta(hours=18)
    built = build_services(Settings(database_url=sqlite_url), plan, FixedClock(moment))
    try:
        report = await built.reports.build(built.reports.period(ReportKind.DAILY))
    finally:
        await built.close()
    assert report.first_month is first_month
    keys = [m.key for m in report.metrics]
    assert ("critical_resolved" in keys) is first_month
    assert ("ticket_resolution" in keys) is not first_month
    assert next(m for m in report.metrics if m.key == "uptime").limit == (
        99.5 if first_month else 99.9
    )
