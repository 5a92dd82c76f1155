"""A monitor against a website on loopback: down → one alert and one Tier 1 incident, reminders
at the interval, one recovery on both — through the real runner job, outbox and fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.clock import TravelClock
from bot.config import Plan
from playground.fake_slack import FakeSlack
from tests.integration.flows import eventually, post_text, posts, settled, thread_texts
from tests.support.bot_server import BotServer
from tests.support.http_target import HttpTarget

ALERTS = "C0ALERTS"


@pytest.fixture
def target() -> Iterator[HttpTarget]:
    with HttpTarget() as site:
        yield site


@pytest.fixture
def plan(target: HttpTarget) -> Plan:
    return Plan(
        monitors=[{"name": "shop", "every": "1m", "check": {"kind": "http", "url": target.url}}]
    )


def tick(bot: BotServer, clock: TravelClock, db: sa.Engine, minutes: float = 1) -> Any:
    """Time moves on to the next check; the runner job runs it and Slack hears the result."""
    clock.advance(timedelta(minutes=minutes))
    checked = bot.run_job("monitors")
    eventually(lambda: settled(db))
    return checked


def incidents(db: sa.Engine) -> list[tuple[int, int, str, str | None]]:
    with db.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, tier, reporter, source_key FROM incidents ORDER BY id")
        )
        return [tuple(r) for r in rows]


def test_down_raises_one_alert_and_one_tier_1_incident_then_recovers(
    bot: BotServer, bot_clock: TravelClock, slack: FakeSlack, db: sa.Engine, target: HttpTarget
):
    assert tick(bot, bot_clock, db, 0) == ["shop"]
    assert target.hits == 1 and not posts(slack, ALERTS)
    target.down()
    tick(bot, bot_clock, db)
    tick(bot, bot_clock, db)
    assert not posts(slack, ALERTS) and not incidents(db)  # two failures are not "down" yet
    tick(bot, bot_clock, db)
    [alert] = posts(slack, ALERTS)
    assert "shop* is down" in post_text(alert) and "3 failed checks in a row" in post_text(alert)
    assert alert["metadata"]["event_type"] == "supportbot_alert"
    [(incident_id, tier, reporter, source)] = incidents(db)
    assert (tier, reporter, source) == (1, "supportbot", "alert:1")
    [incident_post] = posts(slack)
    assert "shop is down" in post_text(incident_post)
    # Linked both ways: the alert names its incident, the incident's timeline its alert.
    eventually(lambda: f"INC-{incident_id}" in post_text(slack.message(ALERTS, alert["ts"])))
    assert any("alert #1 on shop" in t for t in thread_texts(slack, incident_post))
    # Paged per the Tier 1 policy.
    assert slack.calls_to("conversations.open")

    # Still down for the rest of the hour: nothing new but one reminder at the hour.
    for _ in range(59):
        tick(bot, bot_clock, db)
    assert thread_texts(slack, alert) == []
    tick(bot, bot_clock, db)
    [reminder] = thread_texts(slack, alert)
    assert "Still firing" in reminder and "1 h" in reminder
    tick(bot, bot_clock, db)
    assert len(thread_texts(slack, alert)) == 1

    # One good check is not recovery (flapping is damped); two are.
    target.up()
    tick(bot, bot_clock, db)
    target.down()
    tick(bot, bot_clock, db)
    target.up()
    tick(bot, bot_clock, db)
    assert len(thread_texts(slack, alert)) == 1
    tick(bot, bot_clock, db)
    replies = thread_texts(slack, alert)
    assert len(replies) == 2 and "recovered after 1 h" in replies[1]
    assert "recovered" in post_text(slack.message(ALERTS, alert["ts"]))
    assert "Acknowledge" not in post_text(slack.message(ALERTS, alert["ts"]))
    assert any("saw it recover" in t for t in thread_texts(slack, incident_post))
    # The incident stays open for people to resolve with a write-up.
    assert len(posts(slack, ALERTS)) == 1 and len(incidents(db)) == 1
    with db.connect() as conn:
        status = conn.execute(sa.text("SELECT status FROM incidents")).scalar()
        states = conn.execute(sa.text("SELECT state, open_key FROM alerts")).all()
    assert status == "open" and [tuple(s) for s in states] == [("resolved", None)]

    # Down again later: a new alert, and a new incident.
    target.down()
    for _ in range(3):
        tick(bot, bot_clock, db)
    assert len(posts(slack, ALERTS)) == 2 and len(incidents(db)) == 2


def test_an_alert_whose_post_answer_was_lost_is_not_posted_twice(
    bot: BotServer, bot_clock: TravelClock, slack: FakeSlack, db: sa.Engine, target: HttpTarget
):
    tick(bot, bot_clock, db, 0)
    target.down()
    tick(bot, bot_clock, db)
    tick(bot, bot_clock, db)
    # Slack posts the alert but its answer never comes back: the retry looks before posting.
    slack.lose_next("chat.postMessage", where=lambda args: args.get("channel") == ALERTS)
    tick(bot, bot_clock, db)
    eventually(lambda: settled(db) and slack.message(ALERTS, posts(slack, ALERTS)[0]["ts"]), 10)
    looked = [c for c in slack.calls_to("conversations.history") if c.args["channel"] == ALERTS]
    assert looked and len(posts(slack, ALERTS)) == 1
    [alert] = posts(slack, ALERTS)
    eventually(lambda: "INC-1" in post_text(slack.message(ALERTS, alert["ts"])))
