"""GET /status over real HTTP: the monitors' state now (banner from it alone), firing alerts,
open incidents and 90 days of history, and nothing secret on the page."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from bot.config import Plan
from bot.store import AlertState, Incident, IncidentStatus, MonitorMute, MuteKind, SampleState
from tests.integration.conftest import WEDNESDAY_MORNING
from tests.integration.flows import declare
from tests.support.monitor_rows import add_alert, set_status

NOW = WEDNESDAY_MORNING
# Everything a config may hold that must never reach the page.
SECRETS = [
    "hunter2",
    "deploy:",
    "token=abc",
    "10.0.0.7",
    "s3cret",
    "db.internal",
    "pg_stat_activity",
    "cert.internal",
    "admin-panel",
]


@pytest.fixture
def plan() -> Plan:
    return Plan.model_validate(
        {
            "monitors": [
                {
                    "name": "shop",
                    "public": True,
                    "check": {
                        "kind": "http",
                        "url": "https://deploy:hunter2@shop.example.com:8443/health?token=abc",
                    },
                },
                {
                    "name": "api",
                    "check": {"kind": "http", "url": "http://10.0.0.7:9000/admin-panel"},
                },
                {
                    "name": "orders-db",
                    "every": "30s",
                    "check": {
                        "kind": "sql",
                        "url": "postgresql://app:s3cret@db.internal:5432/shop",
                        "query": "select count(*) from pg_stat_activity",
                    },
                },
                {"name": "cert", "check": {"kind": "tls", "host": "cert.internal"}},
            ]
        }
    )


def page(http: httpx.Client) -> str:
    response = http.get("/status")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<script" not in response.text  # no JS needed, nothing fetched
    assert "http://" not in response.text.replace("https://shop.example.com:8443/health", "")
    return response.text


def monitor_block(html: str, name: str) -> str:
    start = html.index(f'data-monitor="{name}"')
    return html[start : html.index("</article>", start)]


def test_banner_and_states_come_from_the_monitors_now(http, db, bot_clock) -> None:
    set_status(db, "shop", SampleState.DOWN, checked_at=NOW, summary="503 in 40 ms")
    set_status(db, "api", SampleState.UP, checked_at=NOW, summary="GET http://10.0.0.7:9000")
    set_status(db, "orders-db", SampleState.UP, checked_at=NOW - timedelta(hours=2))

    html = page(http)

    assert 'data-banner="outage"' in html
    assert 'data-state="down"' in monitor_block(html, "shop")
    assert "503 in 40 ms" in monitor_block(html, "shop")  # public: its summary is shown
    assert 'data-state="up"' in monitor_block(html, "api")
    # Last checked two hours ago at every 30s: old news, not "up".
    assert 'data-state="stale"' in monitor_block(html, "orders-db")
    assert "Not checked yet" in monitor_block(html, "cert")

    set_status(db, "shop", SampleState.UP, checked_at=NOW)
    assert 'data-banner="operational"' in page(http).replace('data-state="stale"', "")
    set_status(db, "shop", SampleState.DEGRADED, checked_at=NOW)
    assert 'data-banner="degraded"' in page(http)


def test_nothing_secret_and_only_public_targets(http, db) -> None:
    set_status(db, "shop", SampleState.UP, checked_at=NOW)
    set_status(db, "api", SampleState.DOWN, checked_at=NOW, summary="unreachable 10.0.0.7")
    set_status(db, "orders-db", SampleState.DOWN, checked_at=NOW, summary="s3cret refused")
    add_alert(db, "api", "down", fired_at=NOW, summary="http://10.0.0.7:9000/admin-panel 500")

    html = page(http)

    assert "https://shop.example.com:8443/health" in html
    for secret in SECRETS:
        assert secret not in html, secret
    assert "<td>api</td><td>down</td>" in html


def test_old_incidents_are_history_not_the_banner(http, db, reporter, slack) -> None:
    for name in ("shop", "api", "orders-db", "cert"):
        set_status(db, name, SampleState.UP, checked_at=NOW)
    declare(reporter, slack, "checkout is broken for everyone")
    declare(reporter, slack, "typo on the <b>about</b> page")
    declare(reporter, slack, "old outage from last year")
    with db.begin() as conn:
        first, second, old = conn.scalars(sa.select(Incident.id).order_by(Incident.id)).all()
        conn.execute(
            sa.update(Incident)
            .where(Incident.id == first)
            .values(
                status=IncidentStatus.RESOLVED,
                created_at=NOW,
                resolved_at=NOW + timedelta(minutes=30),
            )
        )
        long_ago = NOW - timedelta(days=200)
        conn.execute(
            sa.update(Incident)
            .where(Incident.id == old)
            .values(
                status=IncidentStatus.RESOLVED,
                created_at=long_ago,
                resolved_at=long_ago + timedelta(hours=1),
            )
        )
    add_alert(db, "shop", "slow", fired_at=NOW - timedelta(days=1), state=AlertState.RESOLVED)

    html = page(http)

    assert 'data-banner="operational"' in html
    assert "Nothing is firing." in html
    open_part = html[html.index('id="open-incidents"') : html.index('id="history"')]
    assert f"INC-{second}" in open_part and f"INC-{first} " not in open_part
    assert "&lt;b&gt;about&lt;/b&gt;" in open_part  # escaped, never markup
    history = html[html.index('id="history"') :]
    assert f"INC-{first} " in history and "(30 min)" in history
    assert f"INC-{old} " not in history  # older than 90 days


def test_a_monitor_in_maintenance_shows_it_and_a_silence_does_not(http, db):
    for name in ("shop", "api", "orders-db", "cert"):
        set_status(db, name, SampleState.UP, checked_at=NOW)
    set_status(db, "api", SampleState.DOWN, checked_at=NOW)
    with db.begin() as conn:
        for kind, monitor in ((MuteKind.MAINTENANCE, "api"), (MuteKind.SILENCE, "shop")):
            conn.execute(
                sa.insert(MonitorMute).values(
                    monitor=monitor,
                    kind=kind,
                    starts_at=NOW - timedelta(hours=1),
                    ends_at=NOW + timedelta(hours=1),
                    by="U0SUP1",
                    reason="",
                    created_at=NOW,
                )
            )

    html = page(http)

    assert 'data-state="maintenance"' in monitor_block(html, "api")  # planned: not an outage
    assert 'data-state="up"' in monitor_block(html, "shop")
    assert 'data-banner="maintenance"' in html
