"""The App Home in the playground: one's own pages with Acknowledge, and its buttons — in real
headless Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_playground_browser import demo_people, playground, post_of

__all__ = ["playground"]  # the fixture, shared with the main browser test


def test_acknowledge_a_page_and_see_who_is_on_call_from_the_home(playground, page):
    level_1, *_, manager = demo_people(playground)
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    page.select_option("#who", manager["id"])
    page.fill("#composer-text", "/incident checkout is broken for everyone")
    page.press("#composer-text", "Enter")
    expect(post_of(page, "INC-1")).to_contain_text("Critical")

    page.select_option("#who", level_1["id"])
    page.get_by_role("link", name="supportbot (App Home)").click()
    home = page.locator("#messages")
    expect(home).to_contain_text("Your open pages (1)")
    home.get_by_role("button", name="Acknowledge").click()
    expect(home).to_contain_text("Nothing is waiting for you.")
    expect(home).to_contain_text("you acknowledged it")
    expect(home.get_by_role("button", name="Acknowledge")).to_have_count(0)
    page.get_by_role("link", name="# incidents").click()
    expect(post_of(page, "INC-1")).to_contain_text(f"Acknowledged by @{level_1['name']}")

    page.get_by_role("link", name="supportbot (App Home)").click()
    page.locator("#messages").get_by_role("button", name="Who's on call").click()
    expect(page.locator("#modal")).to_contain_text("On call now")
    expect(page.locator("#modal")).to_contain_text(f"@{level_1['name']}")
    page.locator("#modal [data-close-view]").first.click()
    expect(page.locator("#modal")).to_be_hidden()
    page.locator("#messages").get_by_role("button", name="Declare an incident").click()
    expect(page.locator("#modal")).to_contain_text("What is wrong?")
