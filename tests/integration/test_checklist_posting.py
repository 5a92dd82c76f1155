"""When checklists are posted and what is listed beside them, through the real HTTP path:
no slot from before the bot existed counts as missed, a slot already posted is pointed at
instead of posted twice, and runbook runs are kept apart from checklists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from tests.integration.flows import eventually, post_text, posts, replies_to, settled
from tests.support.slack_user import SlackUser


def progress(slack, person: SlackUser, count: int) -> list[dict[str, Any]]:
    """Send /checklist and return the blocks of the count-th answer the person got."""
    person.command("", command="/checklist", channel="C0OPS")
    calls = slack.wait_for(
        "response_url", count=count, where=lambda c: c.args.get("hook_user") == person.id
    )
    return list(calls[-1].args["blocks"])


def sections(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_slots_before_the_first_start_are_not_missed_later_ones_are(slack, person, bot, db):
    # A fresh install started at 10:00 on a Wednesday: the 09:00 and 09:30 lists (and every
    # earlier day's) fell due before there was a bot.
    dana = person("U0DEV1")
    assert bot.run_job("checklists") == []
    first = str(progress(slack, dana, 1))
    assert "missed" not in first and "was down" not in first
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM checklist_runs")) == 0
    # The next morning the bot posts on time; a slot it then sleeps through is missed.
    bot.services.clock.advance(timedelta(hours=23, minutes=1))
    assert bot.run_job("checklists") == ["morning"]
    bot.services.clock.advance(timedelta(hours=6, minutes=29))  # 15:30, the 14:00 one past grace
    bot.run_job("checklists")
    shown = sections(progress(slack, dana, 2))
    assert any(s.startswith("*Morning checklist") and "0/6 done" in s for s in shown)
    assert any(s.startswith("*Afternoon checklist") and "missed at 14:00" in s for s in shown)


def test_a_posted_slot_is_pointed_at_not_posted_again(slack, person, bot, db):
    bot.services.clock.advance(timedelta(hours=23, minutes=1))  # Thursday 09:01
    bot.run_job("checklists")
    posted = eventually(lambda: posts(slack, "C0OPS"))[0]
    # The panel's "run now", twice: the second run points at the post the schedule made.
    again = str(bot.run_job("checklist:morning"))
    assert "already posted" in again and posted["ts"].replace(".", "") in again
    admin = person("U0MGR1")
    admin.command("post morning", command="/checklist", channel="C0OPS")
    answer = replies_to("U0MGR1", slack)[0]
    assert "already posted (09:00)" in answer and posted["ts"].replace(".", "") in answer
    eventually(lambda: settled(db))
    assert len(posts(slack, "C0OPS")) == 1
    # Asked for explicitly, it is posted again, and says it is a re-post.
    admin.command("post morning again", command="/checklist", channel="C0OPS")
    repost = eventually(lambda: len(posts(slack, "C0OPS")) == 2 and posts(slack, "C0OPS")[1])
    assert "posted again on request" in post_text(repost)
    assert "again" in replies_to("U0MGR1", slack, count=2)[1]


def test_running_a_checklist_job_twice_posts_it_once(slack, bot, db):
    first = bot.run_job("checklist:wednesday")
    assert isinstance(first, int)
    posted = eventually(lambda: posts(slack, "C0OPS"))[0]
    second = str(bot.run_job("checklist:wednesday"))
    assert "Wednesday tasks" in second and "already posted" in second
    assert posted["ts"].replace(".", "") in second  # the permalink to the one post
    eventually(lambda: settled(db))
    assert len(posts(slack, "C0OPS")) == 1


def test_runbook_runs_are_listed_apart_and_end_of_day_lists_daily_checklists(slack, person):
    admin, sam = person("U0MGR1"), person("U0SUP1")
    admin.command("post morning", command="/checklist", channel="C0OPS")
    admin.command("post wednesday", command="/checklist", channel="C0OPS")
    sam.command("site slow", command="/runbook", channel="C0OPS")
    eventually(lambda: len(posts(slack, "C0OPS")) == 3, timeout=10)
    shown = sections(progress(slack, sam, 1))
    runbook_lines = [s for s in shown if "Site Slow or Down" in s]
    assert len(runbook_lines) == 1 and runbook_lines[0].startswith("*Runbooks run today*")
    assert any(s.startswith("*Morning checklist") for s in shown)
    admin.command("post end-of-day", command="/checklist", channel="C0OPS")
    end = eventually(lambda: len(posts(slack, "C0OPS")) == 4 and posts(slack, "C0OPS")[3])
    left = next(s for s in sections(end["blocks"]) if s.startswith("*Left unticked today*"))
    assert "Review overnight error logs" in left  # the morning list: daily
    assert "Mid-week performance review" not in left  # the Wednesday list: weekly
    assert "Check server resources" not in left  # a runbook step
    sam.open_home()
    view = slack.wait_for("views.publish", where=lambda c: c.args["user_id"] == "U0SUP1")
    home = sections(view[-1].args["view"]["blocks"])
    listed = next(s for s in home if s.startswith("*Today's checklists*"))
    assert "Morning checklist" in listed and "Site Slow" not in listed
    assert any(s.startswith("*Runbooks run today*") and "Site Slow" in s for s in home)
