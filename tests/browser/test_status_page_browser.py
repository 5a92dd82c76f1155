"""The status page in real headless Chromium: it renders without scripts or fetches, the
banner and each monitor read at a glance, and its screenshot is the one in the README."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from bot.config import Plan
from bot.store import MonitorMute, MonitorStatus, MuteKind, SampleState
from tests.integration.flows import eventually
from tests.support.monitor_rows import add_alert, record_sync, set_status
from tests.support.playground_server import PlaygroundServer

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "status.png"
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

# Checked as the playground starts, then not for an hour: the seeded morning is what the page
# shows (seeding takes over a minute on a loaded machine, and real checks of these unreachable
# addresses landing on top of it turned two more monitors down).
HOURLY = "1h"
MONITORS = {
    "monitors": [
        {
            "name": "shop",
            "public": True,
            "every": HOURLY,
            "check": {"kind": "http", "url": "https://shop.example.com/"},
        },
        {
            "name": "checkout-api",
            "every": HOURLY,
            "check": {"kind": "http", "url": "http://10.0.0.7/health"},
        },
        {"name": "orders-db", "every": HOURLY, "check": {"kind": "sql", "query": "select 1"}},
        {
            "name": "search",
            "every": HOURLY,
            "check": {"kind": "http", "url": "http://search.internal/health"},
        },
    ]
}


@pytest.fixture
def database(sqlite_url: str) -> str:
    return sqlite_url


def first_checks_done(database: str) -> bool:
    """Whether the playground's first check of every monitor is recorded. Seeded before, a
    first check still running (a connection to 10.0.0.7 timing out, slow on a loaded machine)
    would land on top of the seeded state; seeded after, the next is a minute away."""
    engine = sa.create_engine(database)
    try:
        with engine.connect() as conn:
            checked = conn.execute(
                sa.select(MonitorStatus.monitor).where(MonitorStatus.checked_at.is_not(None))
            )
            return {name for (name,) in checked} >= {m["name"] for m in MONITORS["monitors"]}
    finally:
        engine.dispose()


@pytest.fixture
def playground(database: str) -> Iterator[PlaygroundServer]:
    with PlaygroundServer(Plan.model_validate(MONITORS), database) as server:
        yield server


def seed(database: str, plan: Plan) -> None:
    """90 days of checks (a gap, some downtime, a maintenance window), then a morning with one
    site down, one slow, two fine, and alerts firing."""
    now = datetime.now(UTC).replace(microsecond=0)
    start, recent = now - 90 * DAY, now - DAY
    # Twice a day for the 90 days (the page draws a bar a day; every three hours took 2.5
    # times as long to seed, over a minute of the suite's time), with a three-hour outage.
    every, outage_span = timedelta(hours=12), timedelta(hours=3)
    engine = sa.create_engine(database)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(MonitorMute).values(
                    monitor=None,
                    kind=MuteKind.MAINTENANCE,
                    starts_at=now - 30 * DAY,
                    ends_at=now - 29 * DAY,
                    by="U0SUP1",
                    reason="database upgrade",
                    created_at=now - 31 * DAY,
                )
            )
        for n, name in enumerate(("shop", "checkout-api", "orders-db", "search")):
            # At local noon: three hours that never straddle a day's bar, whatever the hour
            # the test runs (from 9 PM on, now minus whole days did).
            day = (now - (12 + 17 * n) * DAY).astimezone(plan.zone).date()
            outage = datetime.combine(day, time(12), plan.zone)
            record_sync(database, name, start, outage, every, ms=180 + 40 * n, plan=plan)
            record_sync(
                database, name, outage, outage + outage_span, outage_span, SampleState.DOWN, ms=None
            )
            resume = outage + outage_span + (2 * DAY if name == "orders-db" else timedelta())
            record_sync(database, name, resume, recent, every, ms=180 + 40 * n, plan=plan)
        quarter = timedelta(minutes=15)
        record_sync(database, "shop", recent, now, quarter, ms=150, ms_step=0.4)
        record_sync(database, "orders-db", recent, now, quarter, ms=12, ms_step=0.05)
        record_sync(database, "checkout-api", recent, now - HOUR, quarter, ms=210, ms_step=0.2)
        record_sync(database, "checkout-api", now - HOUR, now, quarter, SampleState.DOWN, ms=None)
        record_sync(database, "search", recent, now, quarter, ms=900, ms_step=26)
        # Due an hour from when they are written, not from `now`: seeding can take over a
        # minute on a loaded machine, and a check due meanwhile (of addresses that don't
        # answer) would run at once and turn these monitors down.
        due = datetime.now(UTC) + HOUR
        set_status(
            engine,
            "shop",
            SampleState.UP,
            checked_at=now,
            response_ms=182,
            since=now - 3 * DAY,
            summary="200 in 182 ms",
            next_due=due,
        )
        set_status(
            engine,
            "checkout-api",
            SampleState.DOWN,
            checked_at=now,
            since=now - HOUR,
            next_due=due,
        )
        set_status(
            engine,
            "orders-db",
            SampleState.UP,
            checked_at=now,
            since=now - 9 * DAY,
            next_due=due,
        )
        set_status(
            engine,
            "search",
            SampleState.DEGRADED,
            checked_at=now,
            response_ms=3400,
            since=now - 12 * timedelta(minutes=1),
            next_due=due,
        )
        add_alert(engine, "checkout-api", "down", fired_at=now - 40 * timedelta(minutes=1))
        add_alert(engine, "search", "slow", fired_at=now - 9 * timedelta(minutes=1))
    finally:
        engine.dispose()


def background(page: Page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")


def test_status_page_reads_at_a_glance(playground, database, page):
    eventually(lambda: first_checks_done(database), timeout=30)
    seed(database, Plan.model_validate(MONITORS))
    declared = httpx.post(
        f"{playground.url}/pg/command",
        json={"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/incident checkout is down"},
    )
    assert declared.json()["ok"] is True
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    response = page.goto(f"{playground.url}/status")

    assert response is not None and response.status == 200
    expect(page).to_have_title("Status — Outage")
    expect(page.locator("#banner")).to_contain_text("Outage")
    expect(page.locator("#banner")).to_contain_text("1 down")
    assert background(page, "#banner") == "rgb(197, 48, 48)"  # red
    down = page.locator('[data-monitor="checkout-api"]')
    expect(down.locator(".pill")).to_have_text("Down")
    assert background(page, '[data-monitor="checkout-api"] .pill') == "rgb(197, 48, 48)"
    assert background(page, '[data-monitor="shop"] .pill') == "rgb(31, 157, 85)"  # green
    expect(page.locator('[data-monitor="shop"]')).to_contain_text("https://shop.example.com/")
    expect(page.locator("#alerts")).to_contain_text("checkout-api")
    expect(page.locator("#open-incidents")).to_contain_text("INC-1 checkout is down")
    expect(page.locator("body")).not_to_contain_text("10.0.0.7")
    shop = page.locator('[data-monitor="shop"]')
    expect(shop.locator(".bar")).to_have_count(90)
    # Three hours down at noon: one bar; and today's too when the playground's own check of
    # shop.example.com (no such site) counts an hour down within today. A day of maintenance
    # from this hour of the day: one bar or two.
    assert 1 <= shop.locator(".bar.down").count() <= 2
    assert 1 <= shop.locator(".bar.maintenance").count() <= 2
    expect(shop.locator("svg polyline")).to_have_count(1)
    expect(shop.locator('[data-window="90 d"]')).to_contain_text("observed")
    assert background(page, '[data-monitor="orders-db"] .bar.no-data') == "rgb(226, 232, 240)"
    # One document, nothing else fetched: no scripts, stylesheets or fonts from anywhere.
    assert [url for url in requests if not url.endswith("/favicon.ico")] == [
        f"{playground.url}/status"
    ]
    page.set_viewport_size({"width": 1000, "height": 800})
    page.screenshot(path=str(SCREENSHOT), full_page=True)
