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


def pages_of(db: sa.Engine, user: str) -> list[sa.Row]:
    with db.connect() as conn:
        return conn.execute(
            sa.text("SELECT incident_id, attempt, status FROM pages WHERE user = :u ORDER BY id"),
            {"u": user},
        ).all()
