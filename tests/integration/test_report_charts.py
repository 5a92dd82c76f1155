"""Report charts through the real path: drawn with matplotlib, uploaded with Slack's external
upload flow into the report's thread after joining the channel, retried on their own."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.integration.flows import eventually, posts, settled
from tests.support.report_seed import FRIDAY_1600, seed_week

REPORTS = "C0REPORTS"
pytestmark = pytest.mark.moment(FRIDAY_1600)


def methods(slack) -> list[str]:
    return [c.method for c in slack.calls]


def test_the_weekly_report_gets_its_charts_in_its_thread(slack, bot, db, plan):
    seed_week(db, plan)
    # The bot is not in the reports channel: its text goes through (chat:write.public), but
    # Slack shares a file only where the bot is a member.
    slack.add_channel({"id": REPORTS, "name": "reports", "members": ["U0MGR1"]})
    bot.run_job("report:weekly")
    eventually(lambda: settled(db), timeout=30)
    report = posts(slack, REPORTS)[0]
    completed = slack.delivered("files.completeUploadExternal")
    assert len(completed) == 2
    calls = methods(slack)
    assert calls.index("conversations.join") < calls.index("files.completeUploadExternal")
    thread = slack.thread(REPORTS, report["ts"])
    shared = [f for m in thread[1:] for f in m.get("files") or []]
    assert [f["title"] for f in shared] == [
        "Incidents declared per day by tier — week of Mon 23 Nov 2026",
        "Median time to acknowledge and resolve, % of target — week of Mon 23 Nov 2026",
    ]
    per_day = shared[0]
    assert per_day["mimetype"] == "image/png"
    assert per_day["alt_txt"].startswith(
        "Stacked bar chart of incidents declared per day by tier, week of Mon 23 Nov 2026, "
        "5 days: Tier 1 Critical: 2, Tier 2 High: 1, Tier 3 Medium: 2, Tier 4 Low: 1"
    )
    requested = slack.delivered("files.getUploadURLExternal")[0].args
    assert requested["alt_txt"] == per_day["alt_txt"]
    content = slack.file(per_day["id"])["content"]
    image = Image.open(io.BytesIO(content))
    image.load()  # decodes every pixel: a truncated or corrupt PNG raises here
    assert (image.format, image.size) == ("PNG", (800, 400))


def test_a_failed_chart_upload_never_holds_back_the_report(slack, bot, db):
    slack.fail_next("files.completeUploadExternal", status=500, times=3)
    bot.run_job("report:weekly")
    report = eventually(lambda: posts(slack, REPORTS))[0]
    assert "Weekly summary" in str(report["blocks"])
    # The chart is retried through the outbox, on its own, and lands in the same thread.
    eventually(lambda: len(slack.delivered("files.completeUploadExternal")) == 2, timeout=30)
    assert all(
        c.args["thread_ts"] == report["ts"] for c in slack.delivered("files.completeUploadExternal")
    )
    assert len(posts(slack, REPORTS)) == 1
