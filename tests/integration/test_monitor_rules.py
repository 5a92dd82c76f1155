"""The rules' damping: a for-duration before a threshold alert fires, sustained slowness as a
Tier 2 incident, a site down silencing its own latency alerts (inhibition)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.clock import TravelClock
from bot.config import Plan
from playground.fake_slack import FakeSlack
from tests.integration.flows import post_text, posts, thread_texts
from tests.integration.test_monitor_alerts import ALERTS, incidents, tick
from tests.support.bot_server import BotServer
from tests.support.http_target import HttpTarget

SLOW = 0.4  # over slow_after, under slow_incident_after
VERY_SLOW = 0.8


@pytest.fixture
def target() -> Iterator[HttpTarget]:
    with HttpTarget() as site:
        yield site


@pytest.fixture
def plan(target: HttpTarget) -> Plan:
    return Plan(
        monitors=[
            {
                "name": "shop",
                "every": "1m",
                "check": {"kind": "http", "url": target.url, "slow_ms": 5000},
                "slow_after": timedelta(milliseconds=250),
                "slow_incident_after": timedelta(milliseconds=600),
                "remind_every": "2m",
            }
        ]
    )


def alert_texts(slack: FakeSlack) -> list[str]:
    return [post_text(p) for p in posts(slack, ALERTS)]


def test_one_slow_answer_is_no_alert_a_slow_spell_is(
    bot: BotServer, bot_clock: TravelClock, slack: FakeSlack, db: sa.Engine, target: HttpTarget
):
    tick(bot, bot_clock, db, 0)
    target.delay = SLOW
    tick(bot, bot_clock, db)
    target.delay = 0
    tick(bot, bot_clock, db)
    assert not posts(slack, ALERTS)
    with db.connect() as conn:  # it was pending, never fired: nobody was told
        assert conn.execute(sa.text("SELECT state, fired_at FROM alerts")).all() == [
            ("resolved", None)
        ]
    # Slow for the whole for-duration (3 minutes, the default): one alert, no incident.
    target.delay = SLOW
    for _ in range(3):
        tick(bot, bot_clock, db)
    assert not posts(slack, ALERTS)
    tick(bot, bot_clock, db)
    [alert] = alert_texts(slack)
    assert "shop* is slow" in alert and "over 250 ms" in alert
    assert not incidents(db)


def test_sustained_slowness_declares_one_tier_2_incident(
    bot: BotServer, bot_clock: TravelClock, slack: FakeSlack, db: sa.Engine, target: HttpTarget
):
    tick(bot, bot_clock, db, 0)
    target.delay = VERY_SLOW
    for _ in range(4):
        tick(bot, bot_clock, db)
    # Very slow says it all: no "slow" alert beside it.
    [alert] = alert_texts(slack)
    assert "shop* is very slow" in alert
    [(_, tier, reporter, _)] = incidents(db)
    assert (tier, reporter) == (2, "supportbot")
    [incident] = posts(slack)
    assert "shop is very slow" in post_text(incident)
    target.delay = 0
    tick(bot, bot_clock, db)
    tick(bot, bot_clock, db)
    assert any("saw it recover" in t for t in thread_texts(slack, incident))
    assert len(incidents(db)) == 1


def test_a_site_down_silences_its_latency_alerts(
    bot: BotServer, bot_clock: TravelClock, slack: FakeSlack, db: sa.Engine, target: HttpTarget
):
    tick(bot, bot_clock, db, 0)
    target.delay = SLOW
    for _ in range(4):
        tick(bot, bot_clock, db)
    [slow] = posts(slack, ALERTS)
    tick(bot, bot_clock, db)
    tick(bot, bot_clock, db)
    assert len(thread_texts(slack, slow)) == 1  # reminded after 2 minutes
    target.down()
    for _ in range(3):
        tick(bot, bot_clock, db)
    [_, down] = posts(slack, ALERTS)
    assert "shop* is down" in post_text(down)
    # Down for 10 minutes: the down alert reminds, the slow one says nothing meanwhile.
    for _ in range(10):
        tick(bot, bot_clock, db)
    assert len(thread_texts(slack, slow)) == 1
    assert len(thread_texts(slack, down)) == 5
    assert len(posts(slack, ALERTS)) == 2
