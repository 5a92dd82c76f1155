"""Scheduled reports against real databases: one post per slot across restarts, late within the
grace period, else recorded as missed; the period each one covers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.services import build_services
from bot.store import ReportKind
from tests.support.report_seed import local

FRIDAY_1601 = datetime(2026, 11, 27, 21, 1, tzinfo=UTC)


def reports(db: sa.Engine) -> list[tuple[str, str]]:
    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT kind, status FROM reports ORDER BY id"))
        return [(r.kind, r.status) for r in rows]


def queued(db: sa.Engine, kind: str = "report.post") -> int:
    with db.connect() as conn:
        return int(conn.scalar(sa.text("SELECT count(*) FROM outbox WHERE kind = :k"), {"k": kind}))


async def post_due(database_url: str, plan: Plan, at: datetime) -> list[str]:
    services = build_services(Settings(database_url=database_url), plan, FixedClock(at))
    try:
        return [f"{r.kind.value}:{r.status.value}" for r in await services.reports.post_due()]
    finally:
        await services.close()


async def test_the_friday_summary_posts_once_across_restarts(database_url, plan, db):
    assert await post_due(database_url, plan, FRIDAY_1601) == ["weekly:on_time"]
    # Older slots (Thursday 17:00, 2 Nov 09:00, 1 Oct 09:00) are past the grace period.
    assert sorted(reports(db)) == [
        ("daily", "missed"),
        ("monthly", "missed"),
        ("quarterly", "missed"),
        ("weekly", "on_time"),
    ]
    for minutes in (1, 2, 30):  # the scheduler's next passes, and a restarted bot's
        assert await post_due(database_url, plan, FRIDAY_1601 + timedelta(minutes=minutes)) == []
    assert queued(db) == 1
    assert queued(db, "report.chart") == 2  # incidents per day, time against target


@pytest.mark.parametrize(("hours", "status"), [(4, "late"), (7, "missed")])
async def test_a_friday_missed_while_down_posts_late_within_the_grace_period(
    database_url, plan, db, hours, status
):
    posted = await post_due(database_url, plan, local(27, 16) + timedelta(hours=hours))
    assert ("weekly", status) in reports(db)
    assert ("weekly:late" in posted) is (status == "late")


async def test_each_report_covers_its_period(database_url, plan):
    services = build_services(Settings(database_url=database_url), plan, FixedClock(FRIDAY_1601))
    try:
        weekly = services.reports.scheduled_period(ReportKind.WEEKLY, local(27, 16))
        daily = services.reports.scheduled_period(ReportKind.DAILY, local(27, 17))
        monthly = services.reports.scheduled_period(ReportKind.MONTHLY, local(1, 9, month=12))
        quarterly = services.reports.scheduled_period(
            ReportKind.QUARTERLY, datetime(2027, 1, 4, 14, tzinfo=UTC)
        )
    finally:
        await services.close()
    assert (weekly.start, weekly.cutoff, weekly.complete) == (local(23, 0), local(27, 16), False)
    assert (daily.start, daily.cutoff) == (local(27, 0), local(27, 17))
    assert (monthly.label, monthly.complete) == ("November 2026", True)
    assert (quarterly.label, quarterly.complete) == ("Q4 2026", True)


async def test_the_monthly_and_quarterly_reviews_post_on_the_first_business_day(
    database_url, plan, db
):
    # Friday 1 January 2027, 09:00 New York: the first business day of the month and quarter.
    await post_due(database_url, plan, datetime(2027, 1, 1, 14, 1, tzinfo=UTC))
    assert ("monthly", "on_time") in reports(db) and ("quarterly", "on_time") in reports(db)
