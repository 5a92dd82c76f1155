"""A newcomer's first minute in the playground, in real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from bot.config import Plan
from tests.support.playground_server import PlaygroundServer

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "playground.png"


@pytest.fixture
def playground(sqlite_url: str) -> Iterator[PlaygroundServer]:
    with PlaygroundServer(Plan(), sqlite_url) as server:
        yield server


def post_of(page: Page, ref: str):
    return page.locator("#messages .message:not(.message-ephemeral)", has_text=ref).first


def demo_people(playground: PlaygroundServer) -> list[dict[str, Any]]:
    """One person per level: whoever the rotation has on call today (the real clock runs)."""
    people: list[dict[str, Any]] = httpx.get(f"{playground.url}/pg/state").json()["people"]
    return people


def declare_as(page: Page, playground: PlaygroundServer, person: dict[str, Any], text: str) -> None:
    """Open the playground as `person` and declare a Tier 1 incident with `/incident text`."""
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    page.select_option("#who", person["id"])
    page.fill("#composer-text", f"/incident {text}")
    page.press("#composer-text", "Enter")
    expect(post_of(page, "INC-1")).to_contain_text("Critical")


def test_declare_acknowledge_resolve_and_rate(playground, page):
    level_1 = demo_people(playground)[0]
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    expect(page.locator("#who")).to_have_value(level_1["id"])  # level 1 support, on call

    page.fill("#composer-text", "/incident checkout is broken for everyone")
    page.press("#composer-text", "Enter")
    post = post_of(page, "INC-1")
    expect(post).to_contain_text("Critical")
    expect(post).to_contain_text("suggested from “checkout”, “broken”")
    expect(page.locator("#messages")).to_contain_text("Declared INC-1")  # ephemeral reply
    # The post is edited once more when its Tier 1 channel exists; a click on the message as it
    # is being redrawn can be lost, so click once that last edit is in.
    expect(post_of(page, "INC-1")).to_contain_text("#inc-1-")

    post_of(page, "INC-1").get_by_role("button", name="Acknowledge").click()
    expect(post_of(page, "INC-1")).to_contain_text("Acknowledged by")
    expect(post_of(page, "INC-1").get_by_role("button", name="Acknowledge")).to_have_count(0)

    post_of(page, "INC-1").get_by_role("button", name="Resolve").click()
    modal = page.locator("#modal form")
    expect(modal).to_contain_text("Resolve INC-1")
    # Blank (but not empty, which the form itself refuses, as Slack's does): the bot says why.
    page.locator("#modal [name='summary.summary']").fill("   ")
    modal.locator("[type=submit]").click()
    expect(page.locator("#modal .field-error")).to_contain_text("summary")
    page.locator("#modal [name='summary.summary']").fill("Payment provider fixed its API keys")
    page.locator("#modal [name='lessons.lessons']").fill("Alert on checkout error rate")
    page.locator("#modal form [type=submit]").click()
    expect(page.locator("#modal")).to_be_hidden()
    expect(post_of(page, "INC-1")).to_contain_text("Resolved by")
    expect(post_of(page, "INC-1")).to_contain_text("Payment provider fixed its API keys")

    page.get_by_role("link", name="supportbot (your DM)").click()
    rating = page.locator("#messages [data-ts]", has_text="How well was it handled").first
    expect(rating).to_be_visible()
    rating.locator("[data-action-id='incident.rate.4']").click()
    expect(page.locator("#messages")).to_contain_text("you rated the handling of INC-1 4/5")

    page.get_by_role("link", name="# incidents").click()
    expect(post_of(page, "INC-1")).to_be_visible()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))


def test_user_text_stays_inert_in_the_page(playground, page):
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    page.fill(
        "#composer-text",
        "/incident <script>window.pwned=1</script> <img src=x onerror=window.pwned=2> site down",
    )
    page.press("#composer-text", "Enter")
    expect(post_of(page, "INC-1")).to_contain_text("<script>window.pwned=1</script>")
    assert page.evaluate("window.pwned") is None


def test_app_home_and_switching_people(playground, page):
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    page.fill("#composer-text", "/incident emails not sending")
    page.press("#composer-text", "Enter")
    expect(post_of(page, "INC-1")).to_be_visible()
    page.select_option("#who", demo_people(playground)[1]["id"])
    expect(page.locator("#messages")).not_to_contain_text("Declared INC-1")  # Sam's ephemeral
    page.get_by_role("link", name="supportbot (App Home)").click()
    expect(page.locator("#messages")).to_contain_text("Open incidents")
    expect(page.locator("#messages")).to_contain_text("INC-1")
    expect(page.locator("#messages")).to_contain_text("On call now")
    expect(page.locator("#messages")).to_contain_text("1 · Support Team")


def test_run_the_morning_checklist_job_and_tick_an_item(playground, page):
    level_1 = demo_people(playground)[0]
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    page.get_by_role("button", name="Post Morning checklist (9 AM)").click()
    page.get_by_role("link", name="# ops").click()
    checklist = page.locator("#messages .message", has_text="posted on request").first
    expect(checklist).to_contain_text("Review overnight error logs")
    expect(checklist).to_contain_text("0/6 done")
    checklist.locator("button[data-block-id='item-0']").click()
    expect(checklist).to_contain_text("1/6 done")
    expect(checklist.locator("div[data-block-id='item-0']")).to_contain_text(f"@{level_1['name']}")


def test_a_page_reaches_the_level_one_dm_and_acknowledging_there_acknowledges_everywhere(
    playground, page
):
    level_1, _, _, manager = demo_people(playground)
    # The manager reports it; Tier 1 pages levels 1 and 2 at once, at any time of day.
    declare_as(page, playground, manager, "checkout is broken for everyone")

    page.select_option("#who", level_1["id"])
    expect(page.locator("#dm-unread")).to_be_visible()  # the page is waiting in their DM
    page.get_by_role("link", name="supportbot (your DM)").click()
    expect(page.locator("#dm-unread")).to_be_hidden()
    dm = page.locator("#messages [data-ts]", has_text="Page: INC-1").first
    expect(dm).to_contain_text("You are on call for level 1 — Support Team")
    expect(dm.get_by_role("button", name="Can't take it")).to_be_visible()
    dm.get_by_role("button", name="Acknowledge").click()

    acknowledged = f"Acknowledged by @{level_1['name']}"
    expect(dm).to_contain_text(acknowledged)
    expect(dm.get_by_role("button")).to_have_count(0)
    page.get_by_role("link", name="# incidents").click()
    expect(post_of(page, "INC-1")).to_contain_text(acknowledged)
    expect(post_of(page, "INC-1").get_by_role("button", name="Acknowledge")).to_have_count(0)
    # The SLA watcher from the jobs panel: nothing is due once acknowledged, and it says so.
    page.get_by_role("button", name="SLA watcher").click()
    expect(page.locator("#toast")).to_contain_text("SLA watcher")
    expect(page.locator("#toast")).to_contain_text("nothing was due")


def test_the_weekly_report_shows_its_charts_in_its_thread(playground, page):
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    page.get_by_role("button", name="Post the weekly report").click()
    page.get_by_role("link", name="# reports").click()
    report = page.locator("#messages .message", has_text="Weekly summary").first
    expect(report).to_contain_text("Success metrics")
    # The charts go into the report's thread once uploaded: open it when both are there.
    expect(report.locator(".thread-link")).to_have_text("2 replies", timeout=30_000)
    report.locator(".thread-link").click()
    images = page.locator("#thread-messages img.file-image")
    expect(images).to_have_count(2)
    expect(images.first).to_have_attribute(
        "alt", re.compile(r"^Stacked bar chart of incidents declared per day by tier")
    )
    # Decoded by the browser, not only linked: a broken image has no natural width. The
    # images load lazily, so each is brought into view first.
    for index in range(2):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        image.element_handle().wait_for_element_state("visible")
        page.wait_for_function(
            "i => i.complete && i.naturalWidth > 100", arg=image.element_handle()
        )


def resolve_from_the_post(page: Page, ref: str, summary: str, lessons: str) -> None:
    post_of(page, ref).get_by_role("button", name="Resolve").click()
    modal = page.locator("#modal form")
    expect(modal).to_contain_text(f"Resolve {ref}")
    page.locator("#modal [name='summary.summary']").fill(summary)
    page.locator("#modal [name='lessons.lessons']").fill(lessons)
    modal.locator("[type=submit]").click()
    expect(page.locator("#modal")).to_be_hidden()
    expect(post_of(page, ref)).to_contain_text("Resolved by")
    expect(post_of(page, ref)).to_contain_text(summary)


def test_a_whole_incident_declare_page_acknowledge_resolve_reopen_resolve(playground, page):
    """The walk a responder takes, each step by the person who would take it; the first
    write-up survives the reopening and the second resolution."""
    level_1, _, _, manager = demo_people(playground)
    declare_as(page, playground, manager, "payments fail for every customer")
    expect(post_of(page, "INC-1")).to_contain_text("#inc-1-")

    # Paged: level 1 finds the page in their DM and takes it there.
    page.select_option("#who", level_1["id"])
    page.get_by_role("link", name="supportbot (your DM)").click()
    dm = page.locator("#messages [data-ts]", has_text="Page: INC-1").first
    dm.get_by_role("button", name="Acknowledge").click()
    expect(dm).to_contain_text(f"Acknowledged by @{level_1['name']}")

    page.get_by_role("link", name="# incidents").click()
    expect(post_of(page, "INC-1")).to_contain_text(f"Acknowledged by @{level_1['name']}")
    first = "Card processor rotated its keys; new keys deployed"
    resolve_from_the_post(page, "INC-1", first, "Alert when card declines spike")

    # It comes back: the reporter reopens it from the post.
    page.select_option("#who", manager["id"])
    post_of(page, "INC-1").get_by_role("button", name="Reopen").click()
    expect(post_of(page, "INC-1")).not_to_contain_text("Resolved by")
    expect(post_of(page, "INC-1").get_by_role("button", name="Resolve")).to_be_visible()

    page.select_option("#who", level_1["id"])
    second = "Old keys were cached by the retry worker; cache flushed"
    resolve_from_the_post(page, "INC-1", second, "Flush key caches on rotation")

    # Both write-ups are kept: the latest on the post, the first still on the timeline.
    page.fill("#composer-text", "/incident show INC-1")
    page.press("#composer-text", "Enter")
    detail = page.locator("#messages .message", has_text="Only visible to you").last
    expect(detail).to_contain_text(first)
    expect(detail).to_contain_text(second)
    expect(detail).to_contain_text(f"@{manager['name']} reopened")
