"""Acknowledge, escalate, retier, resolve, rate and reopen, by buttons and by subcommands."""

from __future__ import annotations

import sqlalchemy as sa

from bot.slack import Action, Field
from tests.integration.flows import (
    current,
    declare,
    eventually,
    post_text,
    posts,
    replies_to,
    settled,
    thread_texts,
    updated,
)


def events(db: sa.Engine) -> list[str]:
    with db.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT kind FROM incident_events ORDER BY id"))]


def test_acknowledge_button_updates_the_post_in_place_and_threads_it(
    slack, reporter, responder, db
):
    post = declare(reporter, slack, "emails not sending")
    assert responder.click(post, Action.ACKNOWLEDGE).status_code == 200
    after = updated(slack, post, "Acknowledged by <@U0SUP1>")
    assert Action.ACKNOWLEDGE not in str(after["blocks"])
    eventually(lambda: any("acknowledged" in t for t in thread_texts(slack, post)))
    # A second click (or a colleague's) changes nothing and says who has it.
    responder.click(post, Action.ACKNOWLEDGE)
    assert any("already acknowledged by <@U0SUP1>" in t for t in replies_to("U0SUP1", slack))
    assert events(db).count("acknowledged") == 1


def test_escalate_button_raises_the_level(slack, reporter, responder, db):
    post = declare(reporter, slack, "emails not sending")
    responder.click(post, Action.ESCALATE)
    updated(slack, post, "Level 2 — Development Team")
    eventually(lambda: any("escalated" in t for t in thread_texts(slack, post)))


def test_tier_select_changes_tier_for_the_reporter_only(slack, reporter, person, db):
    post = declare(reporter, slack, "emails not sending")
    stranger = person("USTRANGER")
    stranger.click(post, Action.CHANGE_TIER, option="1:1")
    refusal = replies_to("USTRANGER", slack)[-1]
    assert "the reporter <@U1>, or an admin can change the tier of *INC-1*" in refusal
    assert "tier_changed" not in events(db)
    reporter.click(post, Action.CHANGE_TIER, option="1:1")
    after = updated(slack, post, "1 — Critical")
    assert "were suggested" not in post_text(after)
    slack.wait_for("conversations.create")


def test_resolve_with_write_up_then_rating_then_reopen(slack, reporter, responder, db):
    post = declare(reporter, slack, "orders stuck in pending")
    responder.click(post, Action.RESOLVE)
    view = slack.wait_for("views.open")[0].response["view"]
    assert view["title"]["text"] == "Resolve INC-1"
    # A summary is required: the form says so and nothing is resolved.
    refused = responder.submit(view, {Field.SUMMARY: "  "})
    assert refused.json()["response_action"] == "errors"
    assert "resolved" not in events(db)
    done = responder.submit(
        view,
        {
            Field.SUMMARY: "queue worker restarted",
            Field.ROOT_CAUSE: "worker OOM",
            Field.LESSONS: "alert on queue depth",
        },
    )
    assert done.status_code == 200
    after = updated(slack, post, "queue worker restarted")
    assert "alert on queue depth" in post_text(after) and Action.REOPEN in post_text(after)

    dm = slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "DU1")[0]
    rating_dm = slack.message(dm.args["channel"], dm.response["ts"])
    reporter.click(rating_dm, f"{Action.RATE}.4")
    eventually(lambda: "you rated" in current(slack, rating_dm)["text"])
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT rating FROM incidents")) == 4

    reporter.click(after, Action.REOPEN)
    reopened = updated(slack, post, Action.ACKNOWLEDGE)
    assert "Open — not yet acknowledged" in post_text(reopened)


def test_strangers_cannot_open_the_resolve_form(slack, reporter, person, db):
    post = declare(reporter, slack, "orders stuck in pending")
    person("USTRANGER").click(post, Action.RESOLVE)
    assert any("or an admin can resolve *INC-1*" in t for t in replies_to("USTRANGER", slack))
    assert not slack.calls_to("views.open")


def test_runbook_button_without_a_matching_runbook_says_how_to_pick_one(slack, reporter):
    post = declare(reporter, slack, "typo in the footer")
    reporter.click(post, Action.RUNBOOK)
    assert any("No runbook matches" in t for t in replies_to("U1", slack, count=2))


def test_subcommands_work_an_incident_end_to_end(slack, reporter, responder, db):
    post = declare(reporter, slack, "emails not sending")
    # The page DMs out first: a page whose turn comes after the acknowledgement is dropped,
    # and the escalation below would then page its person again.
    eventually(lambda: settled(db))
    responder.command("ack INC-1")
    updated(slack, post, "Acknowledged by <@U0SUP1>")
    responder.command("escalate 1 need a developer")
    updated(slack, post, "Level 2")
    reporter.command("tier INC-1 3")
    updated(slack, post, "3 — Medium")
    responder.command("update INC-1 mail relay restarted")
    eventually(lambda: any("mail relay restarted" in t for t in thread_texts(slack, post)))
    responder.command("list")
    responder.command("show INC-1")
    texts = replies_to("U0SUP1", slack, count=5)
    assert any("Open incidents" in t or "open incident" in t for t in texts)
    shown = [c.args for c in slack.calls_to("response_url") if "INC-1 ·" in c.args.get("text", "")]
    assert shown and "mail relay restarted" in str(shown[-1]["blocks"])
    responder.command("resolve INC-1 relay fixed")
    view = slack.wait_for("views.open")[0].response["view"]
    summary = next(b for b in view["blocks"] if b.get("block_id") == Field.SUMMARY)
    assert summary["element"]["initial_value"] == "relay fixed"
    responder.submit(view, {Field.SUMMARY: "relay fixed"})
    updated(slack, post, "Resolved by <@U0SUP1>")
    reporter.command("reopen INC-1")
    updated(slack, post, "Acknowledged by <@U0SUP1>")
    assert events(db) == [
        "declared",
        "paged",
        "acknowledged",
        "escalated",
        "tier_changed",
        "update",
        "resolved",
        "reopened",
    ]


def test_the_list_says_how_many_are_open_beyond_the_first_twenty(slack, reporter, responder):
    for n in range(22):
        assert reporter.command(f"typo number {n} in the footer").status_code == 200
    eventually(lambda: len(posts(slack)) == 22, timeout=20)
    responder.command("list")
    listing = [
        c.args
        for c in slack.wait_for("response_url", where=lambda c: c.args.get("hook_user") == "U0SUP1")
    ][0]
    assert listing["text"] == "22 open incident(s)"
    assert "Showing 20 of 22 open" in str(listing["blocks"])
