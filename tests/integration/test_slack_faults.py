"""Slack rate limiting, server errors and a bot restart: every post arrives exactly once."""

from __future__ import annotations

import sqlalchemy as sa

from tests.integration.flows import INCIDENTS, eventually, posts
from tests.support.bot_server import BotServer


def incident_posts(slack) -> list:
    return [
        c
        for c in slack.delivered("chat.postMessage")
        if c.args["channel"] == INCIDENTS and not c.args.get("thread_ts")
    ]


def test_rate_limited_post_arrives_once_after_retry_after(slack, reporter):
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    reporter.command("emails not sending")
    eventually(lambda: incident_posts(slack), timeout=10)
    failed = [c for c in slack.calls_to("chat.postMessage") if not c.ok]
    assert [c.status for c in failed] == [429]
    assert len(incident_posts(slack)) == 1 and len(posts(slack)) == 1


def test_server_errors_are_retried_and_the_post_arrives_once(slack, reporter):
    slack.fail_next("chat.postMessage", status=500, times=2)
    reporter.command("emails not sending")
    eventually(lambda: incident_posts(slack), timeout=10)
    assert len(incident_posts(slack)) == 1 and len(posts(slack)) == 1


def test_a_longer_outage_is_ridden_out_by_the_outbox(slack, reporter, db):
    slack.fail_for("chat.postMessage", status=503, seconds=6)
    reporter.command("emails not sending")
    eventually(lambda: incident_posts(slack), timeout=20)
    assert len(posts(slack)) == 1
    eventually(lambda: _all_sent(db))
    with db.connect() as conn:
        attempts = conn.scalar(sa.text("SELECT attempts FROM outbox WHERE kind = 'incident.post'"))
    assert attempts >= 2


def test_a_restart_while_slack_is_down_loses_nothing(
    slack, settings, plan, bot, bot_clock, reporter, db
):
    slack.fail_for("chat.postMessage", status=500, seconds=4)
    reporter.command("orders stuck in pending")
    eventually(lambda: slack.calls_to("chat.postMessage"))
    bot.stop()
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT status FROM outbox")) in ("pending", "sending")
    with BotServer(settings, plan, bot_clock, schedule=False):
        eventually(lambda: incident_posts(slack), timeout=20)
        eventually(lambda: _all_sent(db))
    assert len(incident_posts(slack)) == 1


def _all_sent(db) -> bool:
    with db.connect() as conn:
        return conn.scalar(sa.text("SELECT count(*) FROM outbox WHERE status != 'sent'")) == 0
