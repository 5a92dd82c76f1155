"""The App Home tab: the person's own pages and incidents, with buttons; then open incidents with
their deadlines, who is on call, today's checklists, the last 7 days."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.slack import Action, Field, View
from playground.blockkit import validate_view
from tests.integration.flows import (
    declare,
    eventually,
    pages_to,
    post_text,
    posts,
    replies_to,
    settled,
    updated,
)
from tests.support.report_seed import seed_week

# Wednesday 18 November 2026, 10:00 in New York: week 3, one person per level on the rotation
# (its third day: U0SUP1 and U0DEV1 are on).
ROTATION_MORNING = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def home(slack, user: str, count: int = 1) -> dict[str, Any]:
    """The home last published for a person, as the fake Slack holds it (with its id)."""
    published = slack.wait_for(
        "views.publish", count=count, where=lambda c: c.args["user_id"] == user
    )
    sent = published[-1].args["view"]
    assert not validate_view(sent), validate_view(sent)
    (view,) = [v for v in slack.views_for(user) if v["type"] == "home"]
    assert view["blocks"] == sent["blocks"]
    return view


def home_text(slack, user: str, count: int = 1) -> str:
    """The blocks of the home last published for a person, as text."""
    return str(home(slack, user, count)["blocks"])


def section_texts(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "section" and "text" in b]


def part(view: dict[str, Any], heading: str) -> list[str]:
    """The section texts from one heading to the next bold heading (the home's parts)."""
    texts = section_texts(view)
    start = next(n for n, t in enumerate(texts) if t.startswith(heading))
    rest = texts[start + 1 :]
    end = next((n for n, t in enumerate(rest) if t.startswith("*") and "INC-" not in t), len(rest))
    return texts[start : start + 1 + end]


def paged_declaration(slack, reporter) -> dict[str, Any]:
    """INC-1, declared by U1, its pages in the first fortnight's people's DMs."""
    post = declare(reporter, slack, "checkout is broken for everyone")
    eventually(lambda: pages_to(slack, "U0SUP1") and pages_to(slack, "U0SUP2"))
    return post


def test_each_person_sees_their_own_pages_and_incidents_first(slack, reporter, person):
    paged_declaration(slack, reporter)
    for user in ("U1", "U0SUP1", "USTRANGER"):
        assert person(user).open_home().status_code == 200
    reported, paged, stranger = home(slack, "U1"), home(slack, "U0SUP1"), home(slack, "USTRANGER")
    assert reported["blocks"] != paged["blocks"]
    # The one paged: INC-1 waits for them, with the page's Acknowledge beside it.
    assert part(paged, "*📟 Your open pages*")[0] == "*📟 Your open pages* (1)"
    (waiting,) = [b for b in paged["blocks"] if b.get("accessory")]
    assert "*INC-1*" in waiting["text"]["text"] and "ack due in" in waiting["text"]["text"]
    assert waiting["accessory"]["action_id"] == Action.PAGE_ACKNOWLEDGE
    assert waiting["accessory"]["value"] == "1"
    assert part(paged, "*Incidents you reported or are on*") == [
        "*Incidents you reported or are on*\nNone open."
    ]
    # The reporter: nothing to acknowledge, INC-1 under theirs, saying why.
    assert part(reported, "*📟 Your open pages*") == [
        "*📟 Your open pages*\nNothing is waiting for you."
    ]
    assert not [b for b in reported["blocks"] if b.get("accessory")]
    mine = part(reported, "*Incidents you reported or are on*")
    assert mine[0] == "*Incidents you reported or are on* (1)"
    assert "*INC-1*" in mine[1] and mine[1].endswith("you reported it")
    # Someone not on it: nothing of theirs, the team view below for everyone.
    assert "*📟 Your open pages*\nNothing is waiting for you." in section_texts(stranger)
    assert "*Incidents you reported or are on*\nNone open." in section_texts(stranger)
    for view in (reported, paged, stranger):
        assert any(t.startswith("*Open incidents* (1)") for t in section_texts(view))
        (buttons,) = [b for b in view["blocks"] if b["type"] == "actions"]
        ids = [e["action_id"] for e in buttons["elements"]]
        assert ids == [Action.HOME_DECLARE, Action.HOME_ONCALL]


def test_acknowledge_on_the_home_acknowledges_and_refreshes_the_home(slack, reporter, person, db):
    post = paged_declaration(slack, reporter)
    responder, colleague = person("U0SUP1"), person("U0SUP2")
    responder.open_home()
    colleague.open_home()
    view, stale = home(slack, "U0SUP1"), home(slack, "U0SUP2")
    assert responder.click_in_view(view, Action.PAGE_ACKNOWLEDGE, value="1").status_code == 200
    updated(slack, post, "Acknowledged by <@U0SUP1>")
    after = home(slack, "U0SUP1", count=2)
    assert part(after, "*📟 Your open pages*") == [
        "*📟 Your open pages*\nNothing is waiting for you."
    ]
    mine = part(after, "*Incidents you reported or are on*")
    assert "*INC-1*" in mine[1] and mine[1].endswith("you acknowledged it")
    # The colleague's home, opened before, still offers it: their late click says who has it,
    # and their home stops offering it.
    colleague.click_in_view(stale, Action.PAGE_ACKNOWLEDGE, value="1")
    eventually(
        lambda: any(
            "already acknowledged by <@U0SUP1>" in post_text(m) for m in slack.messages("DU0SUP2")
        )
    )
    assert "Nothing is waiting for you." in str(home(slack, "U0SUP2", count=2)["blocks"])


def test_acknowledge_from_a_home_keeps_the_rule_of_who_may(slack, reporter, person):
    post = paged_declaration(slack, reporter)
    person("U0SUP1").open_home()
    offered = home(slack, "U0SUP1")
    # Someone neither paged nor on call sends the same click: refused, nothing changes.
    person("USTRANGER").click_in_view(offered, Action.PAGE_ACKNOWLEDGE, value="1")
    eventually(
        lambda: any(
            "or an admin can acknowledge *INC-1*" in post_text(m)
            for m in slack.messages("DUSTRANGER")
        )
    )
    assert "Open — not yet acknowledged" in post_text(slack.message(post["channel"], post["ts"]))


def test_the_home_declare_button_opens_the_declare_form(slack, person):
    someone = person("U2")
    someone.open_home()
    someone.click_in_view(home(slack, "U2"), Action.HOME_DECLARE)
    (opened,) = slack.wait_for("views.open")
    assert opened.ok and opened.args["view"]["callback_id"] == View.DECLARE
    # The form declares as the command's does.
    answers = {Field.TITLE: "search results are empty", Field.TIER: "2", Field.CATEGORY: "bug"}
    assert someone.submit(opened.response["view"], answers).status_code == 200
    post = eventually(lambda: posts(slack) and posts(slack)[0])
    assert "INC-1" in post_text(post) and "search results are empty" in post_text(post)


def test_the_home_oncall_button_shows_who_is_on_call(slack, person):
    someone = person("U2")
    someone.open_home()
    someone.click_in_view(home(slack, "U2"), Action.HOME_ONCALL)
    (opened,) = slack.wait_for("views.open")
    assert opened.ok
    shown = str(opened.args["view"]["blocks"])
    assert "On call now" in shown and "Weeks 1–2: development team on call 24/7" in shown
    assert "*1 · Support Team*: <@U0SUP1>, <@U0SUP2>" in shown


def test_opening_the_home_tab_publishes_open_incidents(slack, reporter, person):
    declare(reporter, slack, "checkout is broken for everyone")
    person("U0MGR1").command("post morning", command="/checklist")
    eventually(
        lambda: (
            slack.calls_to("chat.postMessage")
            and len(
                [c for c in slack.delivered("chat.postMessage") if c.args["channel"] == "C0OPS"]
            )
        )
    )
    assert reporter.open_home().status_code == 200
    text = home_text(slack, "U1")
    assert "INC-1" in text and "ack due in" in text
    assert "Morning checklist (9 AM)*: 0/6" in text


def test_the_home_counts_every_open_incident_beyond_the_ones_it_lists(slack, reporter):
    for n in range(22):
        assert reporter.command(f"typo number {n} in the footer").status_code == 200
    eventually(lambda: len(posts(slack)) == 22, timeout=20)
    assert reporter.open_home().status_code == 200
    text = home_text(slack, "U1")
    assert "*Open incidents* (22)" in text and "Showing 20 of 22" in text
    # The reporter's own list shows ten of them, and the home stays within Slack's 100 blocks.
    assert "*Incidents you reported or are on* (22)" in text and "Showing 10 of 22" in text


def test_the_home_shows_who_is_on_call_now_for_each_level(slack, reporter):
    # The first fortnight after launch: every member of every level is on, around the clock.
    assert reporter.open_home().status_code == 200
    text = home_text(slack, "U1")
    assert "On call now* · Weeks 1–2: development team on call 24/7" in text
    assert "Inside business hours" in text
    assert "next handoff Mon 16 Nov 09:00 EST" in text
    assert "*1 · Support Team*: <@U0SUP1>, <@U0SUP2>" in text
    assert "*2 · Development Team*: <@U0DEV1>, <@U0DEV2>" in text
    assert "*3 · Senior Developer/Architect*: <@U0ARCH1>" in text
    assert "*4 · Management*: <@U0MGR1>" in text


@pytest.mark.moment(ROTATION_MORNING)
def test_the_home_follows_the_rotation_and_shows_covers(slack, reporter, person):
    assert reporter.open_home().status_code == 200
    text = home_text(slack, "U1")
    assert "Weeks 3–4: one person per level, rotating daily" in text
    assert "next handoff Thu 19 Nov 09:00 EST" in text
    assert "*1 · Support Team*: <@U0SUP1>\\n" in text
    assert "*2 · Development Team*: <@U0DEV1>\\n" in text
    # An admin puts someone else on level 1 for the afternoon: the home says so, and until when.
    person("U0MGR1").command("cover <@U2|u2> 1 14:00", command="/oncall")
    assert any("U2" in t for t in replies_to("U0MGR1", slack))
    assert reporter.open_home().status_code == 200
    text = home_text(slack, "U1", count=2)
    assert "*1 · Support Team*: <@U2> _(covering until Wed 14:00)_" in text
    assert "<@U0SUP1>" not in text
    assert "*2 · Development Team*: <@U0DEV1>\\n" in text


@pytest.mark.moment(datetime(2026, 11, 27, 21, 0, tzinfo=UTC))  # Friday 27 Nov, 16:00
def test_the_home_shows_the_last_7_days_with_the_latest_incidents_per_day_chart(
    slack, person, bot, db, plan
):
    seed_week(db, plan)
    bot.run_job("report:weekly")
    eventually(lambda: len(slack.delivered("files.completeUploadExternal")) == 2, timeout=30)
    eventually(lambda: settled(db), timeout=15)
    uploaded = slack.delivered("files.completeUploadExternal")[0].response["files"][0]
    person("U0SUP1").open_home()
    published = slack.wait_for("views.publish", where=lambda c: c.args["user_id"] == "U0SUP1")
    blocks = published[-1].args["view"]["blocks"]
    text = str(blocks)
    # Saturday 21 to Friday 27 November: incidents 1-5 and 8 (not 6 and 7, the week before).
    assert (
        "Incidents declared: Tier 1 Critical: 2 · Tier 2 High: 1 · Tier 3 Medium: 2 · "
        "Tier 4 Low: 1" in text
    )
    assert "Within target: acknowledged 4/5 · resolved 2/4" in text
    assert "Satisfaction: 3.5/5 from 2" in text
    (image,) = [b for b in blocks if b["type"] == "image"]
    assert image["slack_file"] == {"id": uploaded["id"]}
    assert image["alt_text"].startswith("Stacked bar chart of incidents declared per day")
    assert "week of Mon 23 Nov 2026 (from the weekly report)" in image["title"]["text"]
