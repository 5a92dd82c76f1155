"""The reports' uptime, response time and error-rate rows, from samples stored the way the
runner stores them (SQLite and PostgreSQL), each beside the previous period's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.reports.metrics import Verdict
from bot.services import Services, build_services
from bot.store import ReportKind, SampleState
from tests.support.monitor_rows import record_checks
from tests.support.report_seed import FRIDAY_1600, local

HOUR = timedelta(hours=1)
MONITORED = {
    "monitors": [
        {"name": "shop", "check": {"kind": "http", "url": "https://shop.example.com/"}},
        {"name": "box", "check": {"kind": "host"}},  # not the site: its numbers stay out
    ]
}


@pytest.fixture
def plan() -> Plan:
    return Plan.model_validate(MONITORED)


@pytest.fixture
async def services(database_url: str, plan: Plan) -> AsyncIterator[Services]:
    monday = local(23, 0)  # this week: Monday 23 November, 00:00 New York
    wednesday = local(25, 10)
    await record_checks(database_url, "shop", monday, wednesday, HOUR, ms=500, plan=plan)
    await record_checks(
        database_url, "shop", wednesday, wednesday + 2 * HOUR, HOUR, SampleState.DOWN, ms=None
    )
    await record_checks(
        database_url, "shop", wednesday + 2 * HOUR, FRIDAY_1600, HOUR, ms=500, plan=plan
    )
    await record_checks(database_url, "box", monday, FRIDAY_1600, HOUR, SampleState.DOWN)
    built = build_services(Settings(database_url=database_url), plan, FixedClock(FRIDAY_1600))
    yield built
    await built.close()


async def test_uptime_response_time_and_error_rate_from_the_samples(services):
    report = await services.reports.build(services.reports.period(ReportKind.WEEKLY))
    metrics = {m.key: m for m in report.metrics}
    # Monday 00:00 to Friday 16:00: 112 hours observed, 2 of them down.
    assert metrics["uptime"].mean == pytest.approx(100 * 110 / 112)
    assert metrics["uptime"].coverage == pytest.approx(100)
    assert metrics["uptime"].verdict is Verdict.MISSED  # first month: > 99.5 %
    assert metrics["response_time"].mean == pytest.approx(0.5)
    assert metrics["response_time"].verdict is Verdict.MET  # < 2 s
    assert metrics["error_rate"].mean == pytest.approx(100 * 2 / 112)
    assert metrics["uptime"].previous is None  # no samples the week before: no data, not 0

    text = str(services.reports.messages(report)[0].blocks)
    assert (
        "❌ Uptime > 99.5 %: 98.21 % _(prev no data)_ (1 monitor, 100 % of the period observed)"
        in text
    )
    assert "✅ Average response time < 2 s: 0.50 s _(prev no data)_" in text
    assert "❌ Error rate < 0.1 %: 1.79 % _(prev no data)_ (share of failed checks" in text


async def test_the_week_before_is_beside_it(services, database_url, plan):
    last_week = local(16, 0)
    await record_checks(
        database_url, "shop", last_week, last_week + 112 * HOUR, HOUR, ms=250, plan=plan
    )
    report = await services.reports.build(services.reports.period(ReportKind.WEEKLY))
    text = str(services.reports.messages(report)[0].blocks)
    assert "98.21 % _(prev 100 %)_" in text
    assert "0.50 s _(prev 0.25 s)_" in text
    assert "1.79 % _(prev 0 %)_" in text
