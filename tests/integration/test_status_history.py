"""GET /status over real HTTP with samples stored the way the runner stores them: uptime over
24 h / 7 d / 90 d with coverage, 90 daily bars (no data, downtime, maintenance), a sparkline."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan
from bot.store import MonitorMute, MuteKind, SampleState
from tests.support.monitor_rows import record_sync, set_status

# Wednesday 4 November 2026, 12:00 New York (17:00 UTC).
NOW = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
PLAN = Plan.model_validate(
    {
        "timezone": "UTC",
        "monitors": [
            {"name": "shop", "check": {"kind": "http", "url": "https://shop.example.com/"}},
            {"name": "quiet", "check": {"kind": "http", "url": "https://quiet.example.com/"}},
        ],
    }
)


@pytest.fixture
def plan() -> Plan:
    return PLAN


@pytest.fixture
def bot_clock() -> FixedClock:
    return FixedClock(NOW)


def figure(html: str, monitor: str, window: str) -> str:
    card = html[html.index(f'data-monitor="{monitor}"') :]
    found = re.search(rf'data-window="{window}">.*?<b>(.*?)</b><small>(.*?)</small>', card, re.S)
    assert found is not None, window
    return f"{found[1]} / {found[2]}"


def bars(html: str, monitor: str) -> list[str]:
    card = html[
        html.index(f'data-monitor="{monitor}"') : html.index(
            "</article>", html.index(f'data-monitor="{monitor}"')
        )
    ]
    return re.findall(r'<span class="bar ([\w-]+)" title="([^"]*)"', card)


def test_uptime_coverage_bars_and_sparkline(http, db, database_url):
    start = NOW - 90 * DAY
    # 90 days of hourly checks, except: two days with none (a gap), six hours down, and a
    # day of planned maintenance; the last day every 10 minutes with response times.
    gap, down, kept = NOW - 40 * DAY, NOW - 20 * DAY, NOW - 10 * DAY
    with db.begin() as conn:
        conn.execute(
            sa.insert(MonitorMute).values(
                monitor="shop",
                kind=MuteKind.MAINTENANCE,
                starts_at=kept,
                ends_at=kept + DAY,
                by="U0SUP1",
                reason="upgrade",
                created_at=kept,
            )
        )
    record_sync(database_url, "shop", start, gap, HOUR)
    record_sync(database_url, "shop", gap + 2 * DAY, down, HOUR)
    record_sync(database_url, "shop", down, down + 6 * HOUR, HOUR, SampleState.DOWN, ms=None)
    record_sync(database_url, "shop", down + 6 * HOUR, NOW - DAY, HOUR)
    record_sync(database_url, "shop", NOW - DAY, NOW, timedelta(minutes=10), ms=100, ms_step=1)
    set_status(db, "shop", SampleState.UP, checked_at=NOW)

    html = http.get("/status").text

    assert figure(html, "shop", "24 h") == "100 % / 100 % observed"
    assert figure(html, "shop", "7 d") == "100 % / 100 % observed"
    # 6 h down of 87 days observed (the maintenance day is left out of both): 99.71 %.
    assert figure(html, "shop", "90 d") == "99.71 % / 98 % observed"
    days = bars(html, "shop")
    assert len(days) == 90
    by_day = dict((title.split(":")[0], css) for css, title in days)
    assert by_day[(gap + DAY).strftime("%a %d %b")] == "no-data"
    assert by_day[down.strftime("%a %d %b")] == "down"
    assert by_day[kept.strftime("%a %d %b")] == "maintenance"
    assert days[-1][0] == "up"
    assert "6 h" not in days[-1][1]
    assert f"{down.strftime('%a %d %b')}: 360 min down" in html
    # A day of response times, 100 to 243 ms, in 48 half-hour averages: one line.
    card = html[html.index('data-monitor="shop"') :]
    assert card.count("<polyline") >= 1 and "101–242 ms" in card

    # Never checked: no data anywhere, never 0 % or 100 %.
    assert figure(html, "quiet", "90 d") == "no data / 0 % observed"
    assert {css for css, _ in bars(html, "quiet")} == {"no-data"}
    assert "<polyline" not in html[html.index('data-monitor="quiet"') :]
