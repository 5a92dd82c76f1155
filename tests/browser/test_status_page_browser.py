"""The status page in real headless Chromium: it renders without scripts or fetches, the
banner and each monitor read at a glance, and its screenshot is the one in the README."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from bot.config import Plan
from bot.store import SampleState
from tests.support.monitor_rows import add_alert, set_status
from tests.support.playground_server import PlaygroundServer

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "status.png"

MONITORS = {
    "monitors": [
        {
            "name": "shop",
            "public": True,
            "check": {"kind": "http", "url": "https://shop.example.com/"},
        },
        {"name": "checkout-api", "check": {"kind": "http", "url": "http://10.0.0.7/health"}},
        {"name": "orders-db", "check": {"kind": "sql", "query": "select 1"}},
        {"name": "search", "check": {"kind": "http", "url": "http://search.internal/health"}},
    ]
}


@pytest.fixture
def database(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def playground(database: str) -> Iterator[PlaygroundServer]:
    with PlaygroundServer(Plan.model_validate(MONITORS), database) as server:
        yield server


def seed(database: str) -> None:
    """A morning with one site down, one slow, two fine, and an alert firing."""
    now = datetime.now(UTC)
    engine = sa.create_engine(database)
    try:
        set_status(
            engine,
            "shop",
            SampleState.UP,
            checked_at=now,
            response_ms=182,
            since=now - timedelta(days=3),
            summary="200 in 182 ms",
        )
        set_status(
            engine,
            "checkout-api",
            SampleState.DOWN,
            checked_at=now,
            since=now - timedelta(minutes=4),
        )
        set_status(
            engine, "orders-db", SampleState.UP, checked_at=now, since=now - timedelta(days=9)
        )
        set_status(
            engine,
            "search",
            SampleState.DEGRADED,
            checked_at=now,
            response_ms=3400,
            since=now - timedelta(minutes=12),
        )
        add_alert(engine, "checkout-api", "down", fired_at=now - timedelta(minutes=2))
        add_alert(engine, "search", "slow", fired_at=now - timedelta(minutes=9))
    finally:
        engine.dispose()


def background(page: Page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")


def test_status_page_reads_at_a_glance(playground, database, page):
    seed(database)
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
    expect(page.locator("body")).not_to_contain_text("10.0.0.7")
    # One document, nothing else fetched: no scripts, stylesheets or fonts from anywhere.
    assert [url for url in requests if not url.endswith("/favicon.ico")] == [
        f"{playground.url}/status"
    ]
    page.set_viewport_size({"width": 1000, "height": 800})
    page.screenshot(path=str(SCREENSHOT), full_page=True)
