"""Paging that fits the tier, through signed HTTP with the bot's clock moved: Tier 4 is never
DMed, Tier 3 pages one person in business hours only, each tier re-pages at its own pace, and
a person with several unanswered pages gets one re-page listing them all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.slack import Action
from tests.integration.conftest import PEOPLE
from tests.integration.flows import (
    current,
    declare,
    eventually,
    page_counts,
    pages_to,
    post_text,
    settled,
    thread_texts,
    updated,
)

# Wednesday 18 November 2026, 10:00 in New York: week 3, one person per level on the rotation
# (U0SUP1 and U0DEV1 are on).
ROTATION_MORNING = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
# Wednesday 4 November 2026, 18:30 in New York: the first fortnight, after hours.
FIRST_WEEK_EVENING = datetime(2026, 11, 4, 23, 30, tzinfo=UTC)


def watch(bot, db, clock, by: timedelta) -> None:
    """Move the bot's clock on, run the SLA watcher as the scheduler would, let it deliver."""
    clock.advance(by)
    bot.run_job("sla-watcher")
    eventually(lambda: settled(db), timeout=10)


def test_tier_four_is_never_paged_by_dm(slack, reporter, bot, bot_clock, db):
    # The first fortnight in business hours: the most anyone is ever paged.
    post = declare(reporter, slack, "please add a dark mode to the shop")
    eventually(lambda: settled(db))
    assert "4 — Low" in post_text(post)
    assert page_counts(slack, PEOPLE) == {}
    assert any("paged nobody by DM" in t for t in thread_texts(slack, post))
    # Past the two-hour rule and the 24-hour response target: a breach, still no DM.
    watch(bot, db, bot_clock, timedelta(hours=2, minutes=1))
    watch(bot, db, bot_clock, timedelta(hours=22))
    assert page_counts(slack, PEOPLE) == {}
    assert "Acknowledgement overdue" in post_text(current(slack, post))


def test_a_tier_four_made_tier_one_pages_at_once(slack, reporter, person, db):
    post = declare(reporter, slack, "please add a dark mode to the shop")
    eventually(lambda: settled(db))
    person("U0MGR1").click(post, Action.CHANGE_TIER, option="1:1")
    updated(slack, post, "1 — Critical")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0SUP2": 1, "U0DEV1": 1, "U0DEV2": 1}


def test_tier_three_pages_level_ones_on_call_person_alone(slack, reporter, bot, bot_clock, db):
    # Weeks 1-2: a Tier 2 would page the whole support and development teams.
    declare(reporter, slack, "the product filter shows the wrong items")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1}


@pytest.mark.moment(FIRST_WEEK_EVENING)
def test_tier_three_waits_for_business_hours_even_in_the_first_weeks(
    slack, reporter, bot, bot_clock, db
):
    post = declare(reporter, slack, "the product filter shows the wrong items")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {}
    assert "Thu 05 Nov 09:00 EST" in post_text(current(slack, post))
    watch(bot, db, bot_clock, timedelta(hours=14, minutes=31))  # 09:01 the next morning
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1}


@pytest.mark.moment(ROTATION_MORNING)
def test_tier_one_is_paged_again_every_five_minutes(slack, reporter, bot, bot_clock, db):
    declare(reporter, slack, "the whole site is down for everyone")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1, "U0DEV1": 1}
    watch(bot, db, bot_clock, timedelta(minutes=5, seconds=5))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 2, "U0DEV1": 2}


@pytest.mark.moment(ROTATION_MORNING)
def test_tier_three_is_paged_again_every_hour(slack, reporter, bot, bot_clock, db):
    declare(reporter, slack, "the product filter shows the wrong items")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1}
    watch(bot, db, bot_clock, timedelta(minutes=59))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1}
    watch(bot, db, bot_clock, timedelta(minutes=1, seconds=5))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 2}
    # The third try at two hours, when the seed's two-hour rule also brings in level 2's
    # on-call person, who is then asked again an hour later too.
    watch(bot, db, bot_clock, timedelta(hours=1))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 3, "U0DEV1": 1}
    assert "unresolved at level 1 after 2 h" in post_text(pages_to(slack, "U0DEV1")[0])
    watch(bot, db, bot_clock, timedelta(minutes=59))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 3, "U0DEV1": 1}
    watch(bot, db, bot_clock, timedelta(minutes=1))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 3, "U0DEV1": 2}


def page_buttons(message: dict) -> list[tuple[str, str]]:
    return [
        (e["action_id"], e["value"])
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


@pytest.mark.moment(ROTATION_MORNING)
def test_several_unanswered_pages_make_one_re_page_listing_them_all(
    slack, reporter, bot, bot_clock, db
):
    # Three Tier 2 incidents two minutes apart, all paging U0SUP1 (on call this week).
    declare(reporter, slack, "emails not sending")
    watch(bot, db, bot_clock, timedelta(minutes=2))
    declare(reporter, slack, "orders stuck in pending")
    watch(bot, db, bot_clock, timedelta(minutes=2))
    declare(reporter, slack, "the admin panel will not load")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 3}
    # The first re-page is due at 15 min: it brings the other two with it, in one DM.
    watch(bot, db, bot_clock, timedelta(minutes=11, seconds=5))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 4}
    digest = pages_to(slack, "U0SUP1")[-1]
    assert "3 incidents wait for you" in post_text(digest)
    acks = [v for a, v in page_buttons(digest) if a == Action.PAGE_ACKNOWLEDGE]
    assert sorted(acks) == ["1", "2", "3"]
    # Their own re-pages, due at 17 and 19 min, were sent already: no DM each.
    watch(bot, db, bot_clock, timedelta(minutes=5))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 4}
    # Acknowledging one from the digest takes it off the list, in place.
    person = reporter.__class__(reporter._http, reporter._slack, reporter._secret, "U0SUP1")
    person.click(digest, Action.PAGE_ACKNOWLEDGE)

    def still_to_acknowledge() -> list[str]:
        buttons = page_buttons(current(slack, digest))
        return sorted(v for a, v in buttons if a == Action.PAGE_ACKNOWLEDGE)

    eventually(lambda: still_to_acknowledge() == ["2", "3"])
    assert "Acknowledged by <@U0SUP1>" in post_text(current(slack, digest))
    eventually(lambda: settled(db))
    # The next round: the two still open, one DM again; three tries each in all.
    watch(bot, db, bot_clock, timedelta(minutes=15))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 5}
    assert "2 incidents wait for you" in post_text(pages_to(slack, "U0SUP1")[-1])
    assert [r.attempt for r in pages_of(db, "U0SUP1") if r.incident_id == 3] == [1, 2, 3]


@pytest.mark.moment(ROTATION_MORNING)
def test_a_re_page_whose_own_incident_is_acknowledged_still_carries_the_others(
    slack, reporter, responder, bot, bot_clock, db
):
    post = declare(reporter, slack, "emails not sending")
    watch(bot, db, bot_clock, timedelta(minutes=2))
    declare(reporter, slack, "orders stuck in pending")
    watch(bot, db, bot_clock, timedelta(minutes=2))
    declare(reporter, slack, "the admin panel will not load")
    eventually(lambda: settled(db))
    # INC-1's re-page, due at 15 min, carries INC-2 and INC-3: Slack fails it, and INC-1 is
    # acknowledged before it is tried again.
    # (the gateway's own retries take all three failures; the outbox tries again later).
    slack.fail_next("chat.postMessage", times=3, where=lambda args: args["channel"] == "DU0SUP1")
    bot_clock.advance(timedelta(minutes=11, seconds=5))
    bot.run_job("sla-watcher")
    eventually(lambda: len([c for c in slack.calls if c.status == 500]) == 3)
    responder.click(post, Action.ACKNOWLEDGE)
    updated(slack, post, "Acknowledged by")
    bot_clock.advance(timedelta(minutes=1))
    digest = eventually(
        lambda: len(pages_to(slack, "U0SUP1")) == 4 and pages_to(slack, "U0SUP1")[-1]
    )
    acks = [v for a, v in page_buttons(digest) if a == Action.PAGE_ACKNOWLEDGE]
    assert sorted(acks) == ["2", "3"]
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 4}


def pages_of(db: sa.Engine, user: str) -> list[sa.Row]:
    with db.connect() as conn:
        return conn.execute(
            sa.text('SELECT incident_id, attempt, status FROM pages WHERE "user" = :u ORDER BY id'),
            {"u": user},
        ).all()
