"""Business metrics against the same day last week: a drop beyond `drop_above` raises an alert,
and a Tier 3 incident in business hours only; seed thresholds for a number (queue depth)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from bot.clock import TravelClock
from bot.config import Plan
from playground.fake_slack import FakeSlack
from tests.integration.flows import post_text, posts
from tests.integration.test_monitor_alerts import ALERTS, incidents, tick
from tests.support.bot_server import BotServer
from tests.support.http_target import HttpTarget

DAY = 24 * 60


@pytest.fixture
def target() -> Iterator[HttpTarget]:
    with HttpTarget() as site:
        site.body = b'{"orders": {"today": 100}}'
        yield site


@pytest.fixture
def plan(target: HttpTarget) -> Plan:
    return Plan(
        monitors=[
            {
                "name": "orders",
                "every": "1d",
                "measures": "order_volume",
                "check": {"kind": "metric", "url": target.url, "json_path": "orders.today"},
            },
            {
                "name": "queue",
                "every": "1d",
                "measures": "queue_depth",
                "check": {"kind": "sql", "query": "SELECT 1500"},
            },
        ]
    )


def orders(target: HttpTarget, count: int) -> None:
    target.body = b'{"orders": {"today": %d}}' % count


def test_a_drop_against_last_week_is_a_tier_3_incident_in_business_hours_only(
    bot: BotServer, bot_clock: TravelClock, slack: FakeSlack, db: sa.Engine, target: HttpTarget
):
    # Wednesday 4 November, 10:00 in New York, and the nine days after: 100 orders a day.
    tick(bot, bot_clock, db, 0)
    for _ in range(9):
        tick(bot, bot_clock, db, DAY)
    # Queue depth 1500 (over the seed's 1000), checked daily: the for-duration (3 min) passed
    # by the second check, so it alerts, without an incident.
    [queue] = posts(slack, ALERTS)
    assert "queue* is over its threshold" in post_text(queue) and "over 1000" in post_text(queue)
    assert not incidents(db)
    # Saturday the 14th: half of last Saturday's. An alert, but no incident out of hours.
    orders(target, 50)
    tick(bot, bot_clock, db, DAY)
    [_, drop] = posts(slack, ALERTS)
    assert "orders* dropped against last week" in post_text(drop)
    assert "50 % below last week's 100" in post_text(drop)
    assert not incidents(db)
    tick(bot, bot_clock, db, DAY)  # Sunday: still down, still no incident
    assert not incidents(db)
    tick(bot, bot_clock, db, DAY)  # Monday 10:00: business hours
    [(_, tier, reporter, source)] = incidents(db)
    assert (tier, reporter, source) == (3, "supportbot", "alert:2")
    assert len(posts(slack, ALERTS)) == 2
    # Back to last week's level: recovered after two good days.
    orders(target, 100)
    tick(bot, bot_clock, db, DAY)
    tick(bot, bot_clock, db, DAY)
    with db.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT state FROM alerts WHERE rule = 'drop'")).scalar()
            == "resolved"
        )
