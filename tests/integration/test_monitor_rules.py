"""The rules' damping: a for-duration before a threshold alert fires, sustained slowness as a
Tier 2 incident, a site down silencing its own latency alerts (inhibition)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import trustme

from bot.clock import TravelClock
from bot.config import Plan
from playground.fake_slack import FakeSlack
from tests.integration.flows import post_text, posts, thread_texts
from tests.integration.test_monitor_alerts import ALERTS, incidents, tick
from tests.support.bot_server import BotServer
from tests.support.http_target import HttpTarget

# Far from both limits: a loaded machine adds to every answer's time.
SLOW = 0.4  # over slow_after, under slow_incident_after
VERY_SLOW = 1.7


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
                "slow_incident_after": timedelta(milliseconds=1500),
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


# The handshake checks the certificate against the machine's clock, the days left are counted
# on the bot's: both start now.
@pytest.mark.moment(datetime.now(UTC))
def test_a_certificate_warns_once_at_21_14_and_7_days_left(
    settings, slack: FakeSlack, bot_clock: TravelClock, db: sa.Engine, tmp_path
):
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    now = bot_clock.now()
    cert = ca.issue_cert(
        "127.0.0.1",
        not_before=now - timedelta(days=30),
        not_after=now + timedelta(days=25, hours=-1),
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    with HttpTarget(tls=context) as site:
        check = {"kind": "tls", "host": "127.0.0.1", "port": site.port, "ca_file": str(ca_file)}
        plan = Plan(monitors=[{"name": "shop-tls", "every": "1d", "check": check}])
        with BotServer(settings, plan, bot_clock, schedule=False) as bot:
            tick(bot, bot_clock, db, 0)
            for _ in range(3):  # 21 days and 23 hours left
                tick(bot, bot_clock, db, 24 * 60)
            assert not posts(slack, ALERTS)
            tick(bot, bot_clock, db, 24 * 60)  # 20 days and 23 hours
            [alert] = posts(slack, ALERTS)
            assert "certificate expiring soon" in post_text(alert)
            assert "expires in 20 days" in post_text(alert)
            for _ in range(14):  # down to 7 days left, one warning at each threshold
                tick(bot, bot_clock, db, 24 * 60)
            replies = thread_texts(slack, alert)
            assert len(replies) == 2 and len(posts(slack, ALERTS)) == 1
            assert "expires in 13 days" in replies[0] and "expires in 6 days" in replies[1]


def test_a_probe_that_cannot_run_is_unknown_never_down(
    settings, slack: FakeSlack, bot_clock: TravelClock, db: sa.Engine, tmp_path
):
    # The probe's own trouble (its CA bundle is missing), not the site's.
    check = {"kind": "tls", "host": "127.0.0.1", "port": 9, "ca_file": str(tmp_path / "gone")}
    plan = Plan(monitors=[{"name": "shop-tls", "every": "1m", "check": check}])
    with BotServer(settings, plan, bot_clock, schedule=False) as bot:
        tick(bot, bot_clock, db, 0)
        for _ in range(5):
            tick(bot, bot_clock, db)
    assert not posts(slack, ALERTS) and not incidents(db)
    with db.connect() as conn:
        states = conn.execute(sa.text("SELECT DISTINCT state FROM monitor_samples")).all()
        status = conn.execute(sa.text("SELECT state, failed_in_row FROM monitor_status")).one()
    assert [s[0] for s in states] == ["unknown"] and tuple(status) == ("unknown", 0)
