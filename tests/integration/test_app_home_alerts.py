"""The App Home lists the alerts firing now (not pending, not resolved), when monitors exist."""

from __future__ import annotations

import pytest

from bot.config import Plan
from bot.store import AlertState
from tests.integration.test_app_home import home_text
from tests.support.monitor_rows import add_alert

MONITORED = Plan.model_validate(
    {
        "monitors": [
            {"name": "shop", "check": {"kind": "http", "url": "https://shop.example.com/"}},
            {"name": "search", "check": {"kind": "http", "url": "https://search.example.com/"}},
        ]
    }
)


def firing_part(text: str) -> str:
    return text.split("Firing alerts")[1].split("On call now", maxsplit=1)[0]


@pytest.mark.parametrize("plan", [MONITORED])
def test_the_home_shows_what_is_firing(slack, reporter, db, bot_clock, plan):
    assert reporter.open_home().status_code == 200
    assert "*🔔 Firing alerts*\\nNothing is firing." in home_text(slack, "U1")

    now = bot_clock.now()
    add_alert(db, "shop", "down", fired_at=now, summary="<!channel> 503 in 40 ms")
    add_alert(db, "search", "slow", fired_at=now, state=AlertState.RESOLVED)
    add_alert(db, "search", "error_rate", fired_at=now, state=AlertState.PENDING)
    add_alert(db, "shop", "slow", fired_at=now, acked_by="U0SUP1", incident_id=None)
    assert reporter.open_home().status_code == 200

    text = home_text(slack, "U1", count=2)
    assert "*🔔 Firing alerts* (2)" in text
    assert "*shop* down: &lt;!channel&gt; 503 in 40 ms · since Wed 04 Nov 10:00 EST" in text
    assert "*shop* slow · since Wed 04 Nov 10:00 EST · acknowledged by <@U0SUP1>" in text
    assert "search" not in firing_part(text)


@pytest.mark.parametrize("plan", [MONITORED])
def test_the_home_lists_ten_alerts_and_counts_the_rest(slack, reporter, db, bot_clock, plan):
    for n in range(12):
        add_alert(db, "shop", f"rule_{n:02}", fired_at=bot_clock.now())
    assert reporter.open_home().status_code == 200
    part = firing_part(home_text(slack, "U1"))
    assert "(12)" in part and "rule_09" in part and "rule_10" not in part
    assert "…and 2 more" in part


def test_the_home_has_no_alerts_part_without_monitors(slack, reporter):
    assert reporter.open_home().status_code == 200
    assert "Firing alerts" not in home_text(slack, "U1")
