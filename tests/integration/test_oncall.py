"""/oncall and covers, the daily handoff, and pages that outlive a restart and a config edit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import EscalationLevel, Plan
from tests.integration.conftest import PEOPLE
from tests.integration.flows import declare, eventually, page_counts, post_text, posts, settled
from tests.integration.test_paging import ROTATION_MORNING, watch
from tests.support.bot_server import BotServer

pytestmark = pytest.mark.moment(ROTATION_MORNING)


def reply(slack, user: str, containing: str) -> dict:
    """The answer a person got on response_url that contains a text."""
    calls = slack.wait_for(
        "response_url",
        where=lambda c: c.args.get("hook_user") == user and containing in str(c.args),
    )
    return calls[-1].args


def test_oncall_shows_the_phase_who_is_on_each_level_and_the_next_handoff(slack, person):
    person("U1").command("", command="/oncall")
    shown = str(reply(slack, "U1", "On call now")["blocks"])
    assert "Weeks 3–4: one person per level, rotating daily" in shown
    assert "Support Team*: <@U0SUP1>" in shown and "Development Team*: <@U0DEV1>" in shown
    assert "next handoff Thu 19 Nov 09:00 EST" in shown


def test_oncall_schedule_lists_the_next_fourteen_days(slack, person):
    person("U1").command("schedule", command="/oncall")
    answer = reply(slack, "U1", "next 14 days")
    days = [b for b in answer["blocks"] if b["type"] == "section" and "`" in b["text"]["text"]]
    assert len(days) == 14
    assert "`Wed 18 Nov` L1 <@U0SUP1>" in days[0]["text"]["text"]
    assert "`Thu 19 Nov` L1 <@U0SUP2>" in days[1]["text"]["text"]
    assert "`Fri 20 Nov` L1 <@U0SUP1>" in days[2]["text"]["text"]
    # Saturday keeps Friday's person: handoffs are on business days.
    assert "`Sat 21 Nov` L1 <@U0SUP1>" in days[3]["text"]["text"]
    assert "`Mon 23 Nov` L1 <@U0SUP2>" in days[5]["text"]["text"]
    assert "Month 2 on" in str(answer["blocks"])  # the phase changes on Monday 30th


def test_oncall_help_answers_at_once(http, person):
    response = person("U1").command("help", command="/oncall")
    assert "oncall cover @someone LEVEL" in response.text
    mistyped = person("U1").command("cover 2", command="/oncall")
    assert "Say who covers" in mistyped.text


def test_an_admin_cover_sends_the_levels_pages_to_the_cover(slack, person, db):
    person("U0MGR1").command("cover <@U0SUP2|sup2> 1 4h", command="/oncall")
    assert "covers level 1" in reply(slack, "U0MGR1", "covers level 1")["text"]
    announced = eventually(lambda: posts(slack, "C0OPS"))
    assert "<@U0SUP2> covers level 1 — Support Team until Wed 18 Nov 14:00 EST" in post_text(
        announced[0]
    )
    declare(person("U1"), slack, "emails not sending")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP2": 1}


def test_the_person_on_call_hands_over_and_strangers_cannot(slack, person, db):
    person("U1").command("cover <@U1> 1", command="/oncall")
    assert "Only the person on call" in reply(slack, "U1", "Only the person on call")["text"]
    person("U0SUP1").command("cover <@U0SUP2> 1", command="/oncall")
    covered = reply(slack, "U0SUP1", "covers level 1")["text"]
    assert "for <@U0SUP1> until Thu 19 Nov 09:00 EST" in covered  # until the next handoff
    person("U1").command("", command="/oncall")
    assert "<@U0SUP2> _(covering for <@U0SUP1>" in str(reply(slack, "U1", "On call now")["blocks"])


@pytest.mark.moment(datetime(2026, 11, 18, 14, 5, tzinfo=UTC))
def test_the_daily_handoff_is_announced_once(slack, bot, db):
    bot.run_job("oncall-handoff")
    bot.run_job("oncall-handoff")
    eventually(lambda: settled(db))
    (handoff,) = posts(slack, "C0OPS")
    text = post_text(handoff)
    assert "On-call handoff" in text and "<@U0SUP1>" in text and "<@U0DEV1>" in text
    assert "until Thu 19 Nov 09:00 EST" in text


def test_pages_in_flight_keep_their_policy_across_a_restart_and_a_config_edit(
    slack, settings, bot, bot_clock, person, db
):
    declare(person("U1"), slack, "emails not sending")
    eventually(lambda: settled(db))
    bot.stop()
    edited = Plan()
    levels = [lvl.model_dump() for lvl in edited.escalation]
    levels[1]["members"] = ["U2"]  # someone else runs level 2 now
    edited = edited.model_copy(
        update={"escalation": [EscalationLevel.model_validate(lvl) for lvl in levels]}
    )
    # Every step fell due while the bot was down (Tier 2: tries 15 min apart, then level 2).
    bot_clock.advance(timedelta(minutes=50))
    with BotServer(settings, edited, bot_clock, schedule=False) as again:
        watch(again, db, bot_clock, timedelta(seconds=1))
        # The two missed re-pages make one DM, not a burst; the hand-over goes to level 2
        # as the incident knew it.
        assert page_counts(slack, PEOPLE) == {"U0SUP1": 2, "U0DEV1": 1}


def test_a_restarted_bot_runs_the_steps_that_fell_due_while_it_was_down(
    slack, settings, plan, bot, bot_clock, person, db
):
    declare(person("U1"), slack, "emails not sending")
    eventually(lambda: settled(db))
    bot.stop()
    bot_clock.advance(timedelta(minutes=16))  # Tier 2's second try was due at 15 min
    # The real scheduler this time: its passes run at start, then every minute.
    with BotServer(settings, plan, bot_clock, schedule=True) as again:
        eventually(lambda: page_counts(slack, PEOPLE) == {"U0SUP1": 2}, timeout=15)
        board = {job["name"]: job for job in again.services.jobs.snapshot()}
        assert set(board) == {
            "checklists",
            "reports",
            "sla-watcher",
            "oncall-handoff",
            "monitor-retention",
        }
        assert board["sla-watcher"]["runs"] >= 1 and board["sla-watcher"]["failures"] == 0


def test_a_cover_who_was_paged_may_resolve(slack, person, db):
    person("U0MGR1").command("cover <@U2|two> 1 4h", command="/oncall")
    reply(slack, "U0MGR1", "covers level 1")
    declare(person("U1"), slack, "emails not sending")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U2": 1}
    person("U2").command("resolve INC-1 relay restarted")
    view = slack.wait_for("views.open")[0].response["view"]
    assert view["title"]["text"] == "Resolve INC-1"
