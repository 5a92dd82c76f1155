"""/alerts and the Acknowledge button on an alert: what is firing, who may acknowledge (on-call
people and admins), and silences and maintenance that keep a monitor's alerts quiet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.clock import TravelClock
from bot.config import Plan
from bot.slack import Action
from playground.fake_slack import FakeSlack
from tests.integration.flows import eventually, post_text, posts, replies_to, thread_texts, updated
from tests.integration.test_monitor_alerts import ALERTS, tick
from tests.support.bot_server import BotServer
from tests.support.http_target import HttpTarget


@pytest.fixture
def target() -> Iterator[HttpTarget]:
    with HttpTarget() as site:
        yield site


@pytest.fixture
def plan(target: HttpTarget) -> Plan:
    check = {"kind": "http", "url": target.url}
    return Plan(
        monitors=[
            {"name": "shop", "every": "1m", "check": check, "remind_every": "2m"},
            {"name": "api", "every": "1m", "check": {**check, "url": target.url + "?api"}},
        ]
    )


def alerts(person, slack: FakeSlack, text: str = "") -> str:
    def mine() -> list:
        return [c for c in slack.calls_to("response_url") if c.args.get("hook_user") == person.id]

    before = len(mine())
    assert person.command(text, channel=ALERTS, command="/alerts").status_code == 200
    replies_to(person.id, slack, count=before + 1)
    [*_, reply] = [
        c for c in slack.calls_to("response_url") if c.args.get("hook_user") == person.id
    ]
    return str(reply.args.get("blocks")) + reply.args.get("text", "")


def test_acknowledge_is_for_on_call_people_and_stops_reminders(
    bot: BotServer, bot_clock: TravelClock, slack: FakeSlack, db: sa.Engine, target, person
):
    tick(bot, bot_clock, db, 0)
    target.down()
    for _ in range(3):
        tick(bot, bot_clock, db)
    assert "2 alerts firing" in alerts(person("U1"), slack)
    [shop] = [p for p in posts(slack, ALERTS) if "shop*" in post_text(p)]
    # Someone not on call is told who may; nothing changes.
    stranger = person("USTRANGER")
    stranger.click(shop, Action.ALERT_ACKNOWLEDGE)
    refusal = replies_to("USTRANGER", slack)[-1]
    assert "Only the people on call now" in refusal and "<@U0SUP1>" in refusal
    person("U0SUP1").click(shop, Action.ALERT_ACKNOWLEDGE)
    after = updated(slack, shop, "<@U0SUP1>")
    assert Action.ALERT_ACKNOWLEDGE not in str(after["blocks"])
    for _ in range(5):
        tick(bot, bot_clock, db)
    assert thread_texts(slack, shop) == []  # acknowledged: no reminders
    listed = alerts(person("U1"), slack)
    assert "acknowledged by <@U0SUP1>" in listed


def test_silence_and_maintenance_keep_alerts_quiet_until_they_end(
    bot: BotServer, bot_clock: TravelClock, slack: FakeSlack, db: sa.Engine, target, person
):
    tick(bot, bot_clock, db, 0)
    # Help and usage mistakes answer at once, in the acknowledgement.
    helped = person("U1").command("silence shop", channel=ALERTS, command="/alerts").json()
    assert "Say which monitor and for how long" in str(helped["blocks"])
    assert "Monitors: shop, api" in str(helped["blocks"])
    refused = alerts(person("USTRANGER"), slack, "silence shop 30m")
    assert "Only the people on call now" in refused
    assert "Silenced" in alerts(person("U0MGR1"), slack, "silence shop 5m")
    assert "no monitor “nope”" in alerts(person("U0MGR1"), slack, "silence nope 5m")
    assert "not a length of time" in alerts(person("U0MGR1"), slack, "maintenance api soon")
    target.down()
    for _ in range(4):
        tick(bot, bot_clock, db)
    # The api monitor alerts; the silenced shop does not, and /alerts says why.
    assert [p for p in posts(slack, ALERTS) if "shop*" in post_text(p)] == []
    assert len(posts(slack, ALERTS)) == 1
    listed = alerts(person("U1"), slack)
    assert "1 alert firing" in listed and "Silenced: shop" in listed
    # Once the silence is over, an outage still going is raised at the next check.
    tick(bot, bot_clock, db)
    tick(bot, bot_clock, db)
    eventually(lambda: len(posts(slack, ALERTS)) == 2)
    target.up()
    for _ in range(2):
        tick(bot, bot_clock, db)
    # Maintenance of every monitor: the next outage is not raised at all.
    assert "Maintenance" in alerts(person("U0SUP1"), slack, "maintenance all 1h")
    target.down()
    for _ in range(5):
        tick(bot, bot_clock, db)
    assert len(posts(slack, ALERTS)) == 2


def test_a_maintenance_window_from_the_config_mutes_its_monitor_only(
    settings, slack: FakeSlack, bot_clock: TravelClock, db: sa.Engine, target: HttpTarget
):
    start = bot_clock.now()
    check = {"kind": "http", "url": target.url}
    plan = Plan(
        monitors=[
            {"name": "shop", "every": "1m", "check": check},
            {"name": "api", "every": "1m", "check": {**check, "url": target.url + "?api"}},
        ],
        monitoring={
            "maintenance": [
                {"monitors": ["shop"], "start": start, "end": start + timedelta(minutes=10)}
            ]
        },
    )
    with BotServer(settings, plan, bot_clock, schedule=False) as bot:
        tick(bot, bot_clock, db, 0)
        target.down()
        for _ in range(4):
            tick(bot, bot_clock, db)
        [api] = posts(slack, ALERTS)
        assert "api* is down" in post_text(api)
        for _ in range(6):  # the window ends: the shop's outage, still going, is raised
            tick(bot, bot_clock, db)
        assert len(posts(slack, ALERTS)) == 2
