"""The playground's demo site and its switch, in real headless Chromium: the switch takes the
page the demo monitor watches down and back up, and the status page lists the monitor."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.browser.test_playground_browser import playground

__all__ = ["playground"]  # the fixture, shared with the main browser test


def switch_is_wired(page: Page) -> None:
    """The page's script has taken over the demo panel (it sets data-up): the static HTML says
    "up" and shows the switch before that, and a click then goes nowhere."""
    expect(page.locator("#demo")).to_have_attribute("data-up", "true")


def test_the_switch_takes_the_demo_site_down_and_back(playground, page):
    target = f"{playground.url}/pg/demo-target"
    assert httpx.get(target).status_code == 200
    page.goto(playground.url)
    demo = page.locator("#demo")
    expect(demo).to_contain_text("demo-shop")
    switch_is_wired(page)
    expect(page.locator("#demo-state")).to_have_text("up")

    page.locator("#demo-switch").click()
    expect(page.locator("#demo-state")).to_have_text("down")
    expect(page.locator("#demo-switch")).to_have_text("Bring it back up")
    expect(page.locator("#toast")).to_contain_text("demo-shop is down")
    assert httpx.get(target).status_code == 503

    page.reload()  # the switch is the server's, not the page's
    expect(page.locator("#demo-state")).to_have_text("down")
    page.locator("#demo-switch").click()
    expect(page.locator("#demo-state")).to_have_text("up")
    assert httpx.get(target).status_code == 200

    with page.expect_popup() as opened:
        page.locator("#status-link").click()
    status = opened.value
    expect(status.locator('[data-monitor="demo-shop"]')).to_contain_text("/pg/demo-target")


def test_taking_the_demo_site_down_raises_an_alert_and_an_incident_then_recovers(playground, page):
    jobs = [j["name"] for j in httpx.get(f"{playground.url}/pg/jobs").json()]
    assert "monitors" in jobs  # the demo monitor has the runner scheduled
    page.goto(playground.url)
    switch_is_wired(page)
    expect(page.locator("#demo-state")).to_have_text("up")
    page.locator("#demo-switch").click()
    expect(page.locator("#demo-state")).to_have_text("down")
    page.get_by_role("link", name="# alerts").click()
    # Three failed checks 10 s apart: the alert, and the Tier 1 incident it declares.
    alert = page.locator("#messages .message", has_text="demo-shop is down").first
    expect(alert).to_contain_text("INC-1", timeout=60_000)
    status = httpx.get(f"{playground.url}/status").text
    assert 'data-banner="outage"' in status and "INC-1 demo-shop" in status

    page.locator("#demo-switch").click()
    expect(alert).to_contain_text("recovered", timeout=60_000)
    assert 'data-monitor="demo-shop" data-state="up"' in httpx.get(f"{playground.url}/status").text
