"""The classifier through the real path: /incident over signed HTTP, the post and the declare
reply as Slack shows them, a close call answered with one click, and a correction learned."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from bot.slack import Action
from tests.integration.flows import (
    INCIDENTS,
    declare,
    eventually,
    post_text,
    settled,
    updated,
)

# Past the duplicate window: a second report like the first is declared without asking.
LATER = timedelta(minutes=31)


def declare_reply(slack, user: str, ref: str) -> dict:
    """The reporter's own (ephemeral) answer to a declaration."""
    return eventually(
        lambda: next(
            (
                m
                for m in slack.messages(INCIDENTS)
                if m.get("ephemeral_for") == user and ref in m.get("text", "")
            ),
            None,
        )
    )


def buttons(message: dict) -> list[str]:
    return [
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def incident_row(db: sa.Engine, number: int) -> sa.Row:
    with db.connect() as conn:
        return conn.execute(
            sa.text("SELECT tier, category, suggestion FROM incidents WHERE id = :n"), {"n": number}
        ).one()


def test_the_post_says_which_words_decided_and_how_sure(slack, reporter):
    post = declare(reporter, slack, "product pages take 8 seconds to load")
    text = post_text(post)
    assert "2 — High" in text and "performance" in text
    assert "“8 seconds &gt; 5 s”" in text and "% sure" in text


def test_critical_words_people_really_use_are_tier_one(slack, reporter, db):
    declare(reporter, slack, "someone got into the admin account")
    declare(reporter, slack, "we can not take card payments at all")
    assert [incident_row(db, n)[:2] for n in (1, 2)] == [(1, "security"), (1, "payments")]


def test_a_close_call_asks_the_reporter_who_picks_the_tier_with_one_click(slack, reporter, db):
    post = declare(reporter, slack, "the widget feels off today")
    assert "A close call" in post_text(post)
    reply = declare_reply(slack, "U1", "INC-1")
    assert "Is Tier 3 right?" in post_text(reply)
    assert buttons(reply) == [
        f"{Action.CONFIRM_TIER}.3",
        f"{Action.CONFIRM_TIER}.1",
        f"{Action.CONFIRM_TIER}.2",
        f"{Action.CONFIRM_TIER}.4",
    ]
    assert reporter.click(reply, f"{Action.CONFIRM_TIER}.4").status_code == 200
    updated(slack, post, "4 — Low")
    assert incident_row(db, 1).tier == 4
    # The reply is replaced by the answer: no buttons left to press twice.
    answered = eventually(
        lambda: (m := slack.message(INCIDENTS, reply["ts"])) and "is Tier 4" in m["text"] and m
    )
    assert buttons(answered) == []


def test_confirming_a_close_call_keeps_the_tier_and_says_so(slack, reporter, db):
    post = declare(reporter, slack, "the widget feels off today")
    reply = declare_reply(slack, "U1", "INC-1")
    reporter.click(reply, f"{Action.CONFIRM_TIER}.3")
    eventually(lambda: "confirmed" in (slack.message(INCIDENTS, reply["ts"]) or {}).get("text", ""))
    eventually(lambda: settled(db))
    assert incident_row(db, 1).tier == 3
    assert "A close call" not in post_text(updated(slack, post, "3 — Medium"))


def test_a_clear_suggestion_asks_nothing(slack, reporter):
    declare(reporter, slack, "emails not sending")
    reply = declare_reply(slack, "U1", "INC-1")
    assert buttons(reply) == []


def test_a_tier_change_teaches_the_next_similar_report(
    slack, reporter, responder, person, bot_clock, db
):
    first = declare(reporter, slack, "the loyalty points page shows an error")
    assert "3 — Medium" in post_text(first)
    responder.click(first, Action.CHANGE_TIER, option="1:2")
    updated(slack, first, "2 — High")
    with db.connect() as conn:
        kept = conn.execute(
            sa.text("SELECT text, tier, category, incident_id, learned_by FROM classifier_examples")
        ).one()
    assert kept == ("the loyalty points page shows an error", 2, "errors", 1, "U0SUP1")
    bot_clock.advance(LATER)  # a like report minutes later would be asked to join INC-1
    second = declare(person("U2"), slack, "Loyalty points page shows an error again")
    text = post_text(second)
    assert "2 — High" in text and "learned from INC-1" in text
    stored = incident_row(db, 2).suggestion
    assert (json.loads(stored) if isinstance(stored, str) else stored)["learned_from"] == 1


def test_a_reporters_own_retier_is_not_learned(slack, reporter, bot_clock, db):
    declare(reporter, slack, "the loyalty points page shows an error")
    assert reporter.command("tier INC-1 1").status_code == 200
    eventually(lambda: incident_row(db, 1).tier == 1)
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM classifier_examples")) == 0
    bot_clock.advance(LATER)
    second = declare(reporter, slack, "loyalty points page shows an error again")
    assert "learned from" not in post_text(second) and "3 — Medium" in post_text(second)
