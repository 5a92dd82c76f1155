"""The playground's sidebar: channels the bot creates, channel mentions as links, the person
picker — in real headless Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_playground_browser import demo_people, playground, post_of

__all__ = ["playground"]  # the fixture, shared with the main browser test

# How much of the picker its text may fill: its width less the padding and the arrow.
FITS = """select => {
    const style = getComputedStyle(select);
    const context = document.createElement("canvas").getContext("2d");
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.selectedOptions[0].textContent;
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const room = select.clientWidth - padding - 20;
    return {text, width: context.measureText(text).width, room};
}"""


def declare_tier_1(page: Page, reporter: str) -> None:
    page.select_option("#who", reporter)
    page.fill("#composer-text", "/incident checkout is broken for everyone")
    page.press("#composer-text", "Enter")
    # The post links its channel once the bot has created it.
    expect(post_of(page, "INC-1")).to_contain_text("#inc-1-")


def test_the_incident_channel_is_listed_and_its_mention_opens_it(playground, page):
    manager = demo_people(playground)[-1]
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    declare_tier_1(page, manager["id"])
    created = page.locator("#channels a", has_text=re.compile(r"^# inc-1-checkout"))
    expect(created).to_have_count(1)
    name = created.inner_text()

    post_of(page, "INC-1").locator(".mention-channel", has_text="#inc-1-").first.click()
    expect(page.locator("#pane-title")).to_have_text(name)
    expect(created).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("#messages")).to_contain_text("This channel is for INC-1")
    # Its intro links back to the incidents channel: that mention opens it in turn.
    page.locator("#messages .mention-channel", has_text="#incidents").first.click()
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    # A fresh load lists it too, with the plan's channels.
    page.reload()
    expect(page.locator("#channels a", has_text=name)).to_have_count(1)


def test_the_person_picker_shows_a_name_whole_when_a_dm_is_waiting(playground, page):
    level_1, *_, manager = demo_people(playground)
    page.goto(playground.url)
    expect(page.locator("#pane-title")).to_have_text("# incidents")
    declare_tier_1(page, manager["id"])
    option = page.locator(f"#who option[value='{level_1['id']}']")
    expect(option).to_contain_text("(new DM)")  # someone else's: marked in the list

    page.select_option("#who", level_1["id"])
    expect(page.locator("#dm-unread")).to_be_visible()  # their own: the badge on their DM
    who = page.locator("#who")
    shown = who.evaluate(FITS)
    assert shown["text"] == f"{level_1['name']} — {level_1['role']}", shown
    assert shown["width"] <= shown["room"], shown
    expect(who).to_have_attribute("title", shown["text"])
