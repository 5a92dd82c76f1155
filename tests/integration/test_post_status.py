"""The incident post reads its state at a glance: who was paged, resolved, overdue."""

from __future__ import annotations

from datetime import timedelta

from bot.slack import Field
from tests.integration.flows import (
    INCIDENTS,
    current,
    declare,
    eventually,
    pages_to,
    post_text,
    posts,
    settled,
    updated,
)


def header(message: dict) -> str:
    return next(b["text"]["text"] for b in message["blocks"] if b["type"] == "header")


def paged_field(message: dict) -> str:
    fields = [f["text"] for b in message["blocks"] for f in b.get("fields", [])]
    return next(f for f in fields if f.startswith("*Paged*"))


def test_the_paged_field_shows_the_dm_went_out_without_any_other_change(slack, reporter, db):
    # The page DMs are held until the post is out, so the post is first rendered with the
    # pages still queued, as when the post wins the race to Slack.
    slack.hold_next(
        "chat.postMessage",
        seconds=10,
        times=2,
        where=lambda args: str(args.get("channel", "")).startswith("D"),
    )
    reporter.command("emails not sending")
    post = eventually(lambda: posts(slack) and posts(slack)[0])
    assert "⏳" in paged_field(post)
    slack.release_held()
    eventually(lambda: pages_to(slack, "U0SUP1") and pages_to(slack, "U0SUP2"))
    eventually(lambda: settled(db))
    shown = paged_field(current(slack, post))
    assert "<@U0SUP1> L1 📨" in shown and "<@U0SUP2> L1 📨" in shown and "⏳" not in shown
    edits = [c for c in slack.delivered("chat.update") if c.args.get("channel") == INCIDENTS]
    assert edits and "⏳" not in str(edits[-1].args["blocks"])


def resolve(slack, responder, post: dict) -> dict:
    responder.command("resolve INC-1")
    view = slack.wait_for("views.open")[0].response["view"]
    responder.submit(view, {Field.SUMMARY: "relay restarted"})
    return updated(slack, post, "Resolved by <@U0SUP1>")


def test_a_resolved_incident_reads_resolved_in_its_header(slack, reporter, responder):
    post = declare(reporter, slack, "site down for everyone")
    assert header(post).startswith("🔴 INC-1")
    resolved = resolve(slack, responder, post)
    assert header(resolved).startswith("✅ Resolved · INC-1 · site down")
    assert "🔴" not in header(resolved)
    assert current(slack, post)["text"].startswith("✅ Resolved")  # the notification text too


def test_a_missed_target_is_the_first_thing_on_the_post_until_it_is_met(
    slack, reporter, responder, bot, bot_clock, db
):
    post = declare(reporter, slack, "emails not sending")  # Tier 2: acknowledge within 1 h
    eventually(lambda: settled(db))
    bot_clock.advance(timedelta(hours=1, minutes=5))
    bot.run_job("sla-watcher")
    overdue = updated(slack, post, "Acknowledgement overdue since")
    assert header(overdue).startswith("⚠️ OVERDUE")
    loud = overdue["blocks"][1]  # right under the header
    assert loud["type"] == "section" and loud["text"]["text"].startswith(
        "⚠️ *Acknowledgement overdue since"
    )
    # Acknowledged late, the breach is history: still told, no longer shouted.
    responder.command("ack INC-1")
    acked = updated(slack, post, "Acknowledged by <@U0SUP1>")
    assert header(acked).startswith("🟠 INC-1") and "⚠️" not in post_text(acked)
    assert "⏰ Acknowledgement was overdue from" in post_text(acked)
    resolved = resolve(slack, responder, post)
    assert header(resolved).startswith("✅ Resolved")
    assert "⚠️" not in post_text(resolved)
    assert "Acknowledgement was overdue from" in post_text(resolved)
