"""Paging through the real HTTP path: DMs by level and phase, acknowledgement, "can't take it",
re-pages, hand-overs, deadlines and covers, with the bot's clock moved instead of waited on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.slack import Action, Field
from tests.integration.conftest import PEOPLE
from tests.integration.flows import (
    current,
    declare,
    eventually,
    page_counts,
    pages_to,
    post_text,
    replies_to,
    settled,
    thread_texts,
    updated,
)

# Wednesday 18 November 2026, 10:00 in New York: week 3, one person per level on the rotation.
# The rotation began Monday 16th, so Wednesday is its third day: U0SUP1 and U0DEV1 are on.
ROTATION_MORNING = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
# Wednesday 4 November 2026, 18:30 in New York: the first fortnight, after hours.
FIRST_WEEK_EVENING = datetime(2026, 11, 4, 23, 30, tzinfo=UTC)
# Wednesday 9 December 2026, 18:30 in New York: month 2, after hours.
MONTH_TWO_EVENING = datetime(2026, 12, 9, 23, 30, tzinfo=UTC)


def watch(bot, db, clock, by: timedelta) -> None:
    """Move the bot's clock on, run the SLA watcher as the scheduler would, let it deliver."""
    clock.advance(by)
    bot.run_job("sla-watcher")
    eventually(lambda: settled(db), timeout=10)


def buttons(message: dict) -> list[str]:
    return [
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def decline(slack, who, reason: str) -> dict:
    """Press "Can't take it" on one's latest page and give a reason; returns the modal."""
    opened = len(slack.calls_to("views.open"))
    who.click(pages_to(slack, who.id)[-1], Action.PAGE_DECLINE)
    view = slack.wait_for("views.open", count=opened + 1)[opened].response["view"]
    assert who.submit(view, {Field.REASON: reason}).status_code == 200
    return view


def broadcasts(slack, containing: str) -> list[str]:
    """Thread replies also shown in the channel, for everyone to see."""
    return [
        c.args["text"]
        for c in slack.delivered("chat.postMessage")
        if c.args.get("reply_broadcast") and containing in c.args["text"]
    ]


def events(db: sa.Engine, kind: str) -> list[str]:
    with db.connect() as conn:
        return [
            r[0]
            for r in conn.execute(
                sa.text("SELECT text FROM incident_events WHERE kind = :k ORDER BY id"), {"k": kind}
            )
        ]


def test_tier_one_pages_levels_one_and_two_by_dm(slack, reporter, db):
    post = declare(reporter, slack, "site down for everyone")
    eventually(lambda: settled(db))
    # Weeks 1-2: the whole development team is paged with the support team.
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0SUP2": 1, "U0DEV1": 1, "U0DEV2": 1}
    dm = pages_to(slack, "U0SUP1")[0]
    text = post_text(dm)
    for shown in (
        "INC-1",
        "site down for everyone",
        "Tier",
        "Critical",
        "Acknowledge by",
        "<#C0INCIDENTS>",
    ):
        assert shown in text
    assert buttons(dm) == [Action.PAGE_ACKNOWLEDGE, Action.PAGE_DECLINE]
    after = updated(slack, post, "*Paged*")
    assert "<@U0DEV2> L1" in post_text(after) and "Level 2 — Development Team" in post_text(after)


def test_acknowledging_from_a_dm_updates_the_post_every_copy_and_stops_repages(
    slack, reporter, person, bot, bot_clock, db
):
    post = declare(reporter, slack, "site down for everyone")
    eventually(lambda: settled(db))
    stale = pages_to(slack, "U0SUP1")[0]  # as U0SUP1 still sees it, buttons and all
    person("U0DEV1").click(pages_to(slack, "U0DEV1")[0], Action.PAGE_ACKNOWLEDGE)
    updated(slack, post, "Acknowledged by <@U0DEV1>")
    eventually(lambda: settled(db))
    for user in ("U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2"):
        copy = current(slack, pages_to(slack, user)[0])
        assert "Acknowledged by <@U0DEV1>" in post_text(copy)
        assert buttons(copy) == []
    watch(bot, db, bot_clock, timedelta(minutes=6))
    watch(bot, db, bot_clock, timedelta(minutes=15))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0SUP2": 1, "U0DEV1": 1, "U0DEV2": 1}
    # A second click is told who already has it, and changes nothing.
    person("U0SUP1").click(stale, Action.PAGE_ACKNOWLEDGE)
    assert any("already acknowledged" in t for t in replies_to("U0SUP1", slack))


@pytest.mark.moment(ROTATION_MORNING)
def test_an_unanswered_tier_two_page_is_sent_again_every_fifteen_minutes_then_the_next_level(
    slack, reporter, bot, bot_clock, db
):
    post = declare(reporter, slack, "emails not sending")  # Tier 2: level 1 first
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1}
    watch(bot, db, bot_clock, timedelta(minutes=14))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1}
    watch(bot, db, bot_clock, timedelta(minutes=1, seconds=5))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 2}
    assert "(try 2)" in post_text(pages_to(slack, "U0SUP1")[1])
    assert "try 2:" not in post_text(pages_to(slack, "U0SUP1")[1])  # said once is enough
    watch(bot, db, bot_clock, timedelta(minutes=15))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 3}
    # Three tries unanswered: the next level is paged, once, however often the watcher runs.
    watch(bot, db, bot_clock, timedelta(minutes=15))
    watch(bot, db, bot_clock, timedelta(seconds=30))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 3, "U0DEV1": 1}
    assert "did not acknowledge in 45 min" in post_text(pages_to(slack, "U0DEV1")[0])
    assert "Level 2 — Development Team" in post_text(current(slack, post))


@pytest.mark.moment(ROTATION_MORNING)
def test_a_missed_response_target_is_a_breach_escalated_once_and_shown(
    slack, reporter, person, bot, bot_clock, db
):
    post = declare(reporter, slack, "the widget feels off today")  # Tier 3: respond in 4 h
    eventually(lambda: settled(db))
    decline(slack, person("U0SUP1"), "off sick")
    eventually(lambda: page_counts(slack, PEOPLE).get("U0SUP2"))
    decline(slack, person("U0SUP2"), "")
    eventually(lambda: settled(db))
    # Nobody left on level 1: level 2 is paged at once.
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0SUP2": 1, "U0DEV1": 1}
    watch(bot, db, bot_clock, timedelta(hours=4, minutes=1))
    watch(bot, db, bot_clock, timedelta(minutes=2))
    assert events(db, "breach") == ["acknowledgement target missed"]
    assert "Acknowledgement overdue since" in post_text(current(slack, post))
    assert len(broadcasts(slack, "SLA breach")) == 1  # the whole channel is told, once
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT ack_breached_at IS NOT NULL FROM incidents"))


@pytest.mark.moment(ROTATION_MORNING)
def test_cant_take_it_records_why_and_pages_the_next_person_at_once(slack, reporter, person, db):
    post = declare(reporter, slack, "emails not sending")
    eventually(lambda: settled(db))
    sam = person("U0SUP1")
    view = decline(slack, sam, "on a train until 3")
    assert view["title"]["text"] == "Can't take INC-1"
    eventually(lambda: page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0SUP2": 1})
    # A mention, which Slack shows as the person's name, not their raw id.
    assert "<@U0SUP1> can't take it" in post_text(pages_to(slack, "U0SUP2")[0])
    eventually(lambda: settled(db))
    mine = current(slack, pages_to(slack, "U0SUP1")[0])
    assert "can't take it: on a train until 3" in post_text(mine) and buttons(mine) == []
    assert events(db, "declined") == ["on a train until 3"]
    assert any("on a train until 3" in t for t in thread_texts(slack, post))
    # Passing on a page you no longer hold is refused on the form.
    again = sam.submit(view, {Field.REASON: "still on the train"})
    assert again.json()["response_action"] == "errors"


@pytest.mark.moment(ROTATION_MORNING)
def test_unresolved_at_level_one_after_two_hours_goes_to_level_two(
    slack, reporter, person, bot, bot_clock, db
):
    post = declare(reporter, slack, "the widget feels off today")  # Tier 3
    eventually(lambda: settled(db))
    person("U0SUP1").click(pages_to(slack, "U0SUP1")[0], Action.PAGE_ACKNOWLEDGE)
    updated(slack, post, "Acknowledged by <@U0SUP1>")
    watch(bot, db, bot_clock, timedelta(hours=1, minutes=59))
    assert "U0DEV1" not in page_counts(slack, PEOPLE)
    watch(bot, db, bot_clock, timedelta(minutes=2))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0DEV1": 1}
    assert "unresolved at level 1 after 2 h" in post_text(pages_to(slack, "U0DEV1")[0])
    assert "Level 2 — Development Team" in post_text(current(slack, post))


@pytest.mark.moment(ROTATION_MORNING)
def test_tier_one_tells_management_at_half_its_resolution_target(
    slack, reporter, person, bot, bot_clock, db
):
    post = declare(reporter, slack, "payment processing failure at checkout")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0DEV1": 1}
    person("U0SUP1").click(pages_to(slack, "U0SUP1")[0], Action.PAGE_ACKNOWLEDGE)
    updated(slack, post, "Acknowledged by")
    watch(bot, db, bot_clock, timedelta(minutes=59))
    assert "U0MGR1" not in page_counts(slack, PEOPLE)
    watch(bot, db, bot_clock, timedelta(minutes=2))
    fyi = pages_to(slack, "U0MGR1")
    assert len(fyi) == 1 and "FYI" in post_text(fyi[0])
    assert "half the resolution target has passed" in post_text(fyi[0])
    assert "Level 2 — Development Team" in post_text(current(slack, post))


def test_a_security_incident_pages_level_three_at_once(slack, reporter, db):
    declare(reporter, slack, "security breach: admin passwords leaked")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE)["U0ARCH1"] == 1


@pytest.mark.moment(FIRST_WEEK_EVENING)
def test_lower_tiers_wait_for_business_hours_and_say_so(slack, reporter, bot, bot_clock, db):
    post = declare(reporter, slack, "the widget feels off today")  # Tier 3
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {}
    assert "pages go out at the start of business hours, Thu 05 Nov 09:00 EST" in post_text(
        current(slack, post)
    )
    # The response target counts from when the pages go out: 09:00 + 4 h.
    assert "Thu 05 Nov 13:00 EST" in post_text(current(slack, post))
    watch(bot, db, bot_clock, timedelta(hours=14))  # 08:30: still waiting
    assert page_counts(slack, PEOPLE) == {}
    watch(bot, db, bot_clock, timedelta(minutes=31))
    # Tier 3 pages level 1's on-call person alone, in the first weeks too.
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1}
    assert "deferred until business hours" in post_text(pages_to(slack, "U0SUP1")[0])
    assert "pages go out" not in post_text(current(slack, post))


@pytest.mark.moment(FIRST_WEEK_EVENING)
def test_critical_and_high_page_after_hours_in_the_first_weeks(slack, reporter, db):
    declare(reporter, slack, "emails not sending")  # Tier 2
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0SUP2": 1, "U0DEV1": 1, "U0DEV2": 1}


@pytest.mark.moment(MONTH_TWO_EVENING)
def test_from_month_two_only_tier_one_pages_after_hours(slack, reporter, db):
    high = declare(reporter, slack, "emails not sending")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {}
    assert "Thu 10 Dec 09:00 EST" in post_text(current(slack, high))
    declare(reporter, slack, "site down for everyone")
    eventually(lambda: settled(db))
    paged = page_counts(slack, PEOPLE)
    # One person per level on the rotation, for levels 1 and 2.
    assert len(paged) == 2 and sum(paged.values()) == 2
    assert {u[:5] for u in paged} == {"U0SUP", "U0DEV"}


def test_in_the_first_weeks_an_unanswered_page_goes_past_the_developers_already_paged(
    slack, reporter, bot, bot_clock, db
):
    declare(reporter, slack, "emails not sending")  # Tier 2: levels 1 and 2 paged together
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0SUP2": 1, "U0DEV1": 1, "U0DEV2": 1}
    watch(bot, db, bot_clock, timedelta(minutes=45, seconds=5))
    # Level 2 already holds the page, so the hand-over goes to level 3.
    assert page_counts(slack, PEOPLE)["U0ARCH1"] == 1
    # 50 minutes on: level 3 was paged again once (its two missed tries make one DM) and
    # level 4 was paged, once, though both the missed 1-hour target and the hand-over ask.
    watch(bot, db, bot_clock, timedelta(minutes=50))
    counts = page_counts(slack, PEOPLE)
    assert (counts["U0ARCH1"], counts["U0MGR1"]) == (2, 1)
