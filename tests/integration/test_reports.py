"""/report through the real HTTP path: figures privately, posted by admins, refused to others."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.integration.flows import eventually, post_text, posts, settled
from tests.support.report_seed import FRIDAY_1600, seed_week

REPORTS = "C0REPORTS"
pytestmark = pytest.mark.moment(FRIDAY_1600)


def answers(slack, user: str, count: int = 1) -> list[str]:
    calls = slack.wait_for(
        "response_url", count=count, where=lambda c: c.args.get("hook_user") == user
    )
    return [str(c.args.get("blocks")) + c.args.get("text", "") for c in calls]


def test_report_weekly_answers_privately_with_the_week_so_far(slack, person, db, plan):
    seed_week(db, plan)
    response = person("U0SUP1").command("weekly", command="/report", channel=REPORTS)
    assert response.status_code == 200
    text = answers(slack, "U0SUP1")[0]
    assert "Weekly summary — week of Mon 23 Nov 2026" in text
    assert "Mon 23 Nov 00:00 → Fri 27 Nov 16:00 EST (so far)" in text
    assert "*All tiers*: acknowledged 4/5 _(prev 1/1)_ · resolved 2/4 _(prev 0/1)_" in text
    assert "to acknowledge 20 min · p90 1 h (mean 25 min)" in text
    assert "❌ Critical issues resolved < 2 h: 1/2 within 2 h" in text
    assert not posts(slack, REPORTS)


def test_report_weekly_last_is_the_previous_complete_week(slack, person, db, plan):
    seed_week(db, plan)
    person("U0SUP1").command("weekly last", command="/report", channel=REPORTS)
    text = answers(slack, "U0SUP1")[0]
    assert "Weekly summary — week of Mon 16 Nov 2026" in text
    assert "Mon 16 Nov 00:00 → Mon 23 Nov 00:00 EST ·" in text
    # The whole week: incident 7 (Friday 17:00) counts now.
    assert "*Tier 2 · High*: 2 _(prev 0, +2)_ declared" in text


def test_an_admin_posts_the_report_in_the_reports_channel(slack, person, db, plan):
    seed_week(db, plan)
    person("U0MGR1").command("weekly --post", command="/report", channel="C0OPS")
    assert any("Posting the weekly report" in t for t in answers(slack, "U0MGR1"))
    posted = eventually(lambda: posts(slack, REPORTS))[0]
    assert "Weekly summary — week of Mon 23 Nov 2026" in post_text(posted)
    assert "posted on request" in post_text(posted)
    assert posted["metadata"]["event_type"] == "supportbot_report"
    eventually(lambda: settled(db), timeout=15)


def test_only_admins_post_reports_and_nothing_is_posted_for_others(slack, person, db):
    person("U0SUP1").command("monthly --post", command="/report", channel=REPORTS)
    assert any("Only admins may post a report" in t for t in answers(slack, "U0SUP1"))
    assert not posts(slack, REPORTS)
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM reports")) == 0


def test_a_bad_report_name_gets_the_usage(person):
    response = person("U0SUP1").command("yearly", command="/report", channel=REPORTS)
    assert response.status_code == 200
    text = response.json()["text"]
    assert "“yearly” is not a report" in text and "/report weekly last" in text
