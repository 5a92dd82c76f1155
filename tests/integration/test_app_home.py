"""The App Home tab: open incidents with their deadlines, who is on call, today's checklists,
the last 7 days."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.integration.flows import declare, eventually, posts, replies_to, settled
from tests.support.report_seed import seed_week

# Wednesday 18 November 2026, 10:00 in New York: week 3, one person per level on the rotation
# (its third day: U0SUP1 and U0DEV1 are on).
ROTATION_MORNING = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def home_text(slack, user: str, count: int = 1) -> str:
    """The blocks of the home last published for a person, as text."""
    published = slack.wait_for(
        "views.publish", count=count, where=lambda c: c.args["user_id"] == user
    )
    view: dict[str, Any] = published[-1].args["view"]
    assert view["type"] == "home"
    return str(view["blocks"])


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
