"""What a runner pass costs the database, pinned so it cannot creep back (issue 13's CPU goal).

Twenty HTTP monitors against a loopback target, run by the real job: a pass stores their
samples and rollups, folds their statuses and reads their mutes and alerts with a few
statements for all of them, not a few each. Every statement the bot's engine sends is counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from bot.clock import TravelClock
from bot.config import Plan
from tests.integration.test_monitor_alerts import tick
from tests.support.bot_server import BotServer
from tests.support.http_target import HttpTarget

MONITORS = 20
# Claiming takes a statement per monitor (the conditional UPDATE that makes a check run once
# across replicas); storing and evaluating a pass is about a dozen in all. Per monitor each
# took ten or so before (two hundred and more for this pass).
MOST_STATEMENTS = MONITORS + 25


@pytest.fixture
def target() -> Iterator[HttpTarget]:
    with HttpTarget() as site:
        yield site


@pytest.fixture
def plan(target: HttpTarget) -> Plan:
    return Plan(
        monitors=[
            {"name": f"site{n}", "every": "1m", "check": {"kind": "http", "url": target.url}}
            for n in range(MONITORS)
        ]
    )


def test_a_pass_of_twenty_monitors_takes_few_statements(
    bot: BotServer,
    bot_clock: TravelClock,
    db: sa.Engine,
    target: HttpTarget,
    statements: Counter[str],
):
    assert len(tick(bot, bot_clock, db, 0)) == MONITORS  # warm-up: registers the monitors
    statements.clear()
    assert len(tick(bot, bot_clock, db)) == MONITORS
    total = sum(statements.values())
    assert total <= MOST_STATEMENTS, sorted(statements.items())
    assert target.hits == 2 * MONITORS
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM monitor_samples")).scalar() == 40
        # Both checks of every monitor counted in its rollups, and the first sample's minute.
        rows = conn.execute(
            sa.text(
                "SELECT monitor, sum(checks), sum(up_s) FROM monitor_rollups"
                " WHERE period = 'day' GROUP BY monitor"
            )
        ).all()
        assert len(rows) == MONITORS
        assert all(checks == 2 and up >= 60 for _, checks, up in rows), rows
        assert conn.execute(sa.text("SELECT count(*) FROM alerts")).scalar() == 0
