"""One alert and one incident per outage, whatever happens to the bot: killed hard in the
middle of raising the alert and started again, or run as two processes on one PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from playground.fake_slack import FakeSlack, FakeSlackServer
from tests.integration.conftest import TOKEN, WEDNESDAY_MORNING
from tests.integration.flows import eventually, post_text, posts, thread_texts
from tests.support.http_target import HttpTarget

ALERTS = "C0ALERTS"
REPO = Path(__file__).resolve().parents[2]
MINUTE = timedelta(minutes=1)


class MonitorProcess:
    """tests/support/monitor_process.py, driven tick by tick."""

    def __init__(self, config: Path, url: str, slack: FakeSlackServer, start: datetime) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SLACK_API_URL": slack.api_url,
            "SLACK_BOT_TOKEN": TOKEN,
            "PYTHONPATH": str(REPO),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.monitor_process", str(config), start.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def send(self, at: datetime) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(at.isoformat() + "\n")
        self.proc.stdin.flush()

    def tick(self, at: datetime) -> list[str]:
        self.send(at)
        return json.loads(self._line())

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0


@pytest.fixture
def target() -> Iterator[HttpTarget]:
    with HttpTarget() as site:
        yield site


@pytest.fixture
def config(tmp_path: Path, target: HttpTarget) -> Path:
    path = tmp_path / "supportbot.yml"
    monitors = [
        {"name": "shop", "every": "1m", "check": {"kind": "http", "url": target.url}},
        {"name": "api", "every": "1m", "check": {"kind": "http", "url": target.url + "?api"}},
    ]
    path.write_text(yaml.safe_dump({"monitors": monitors}))
    return path


def alert_rows(db: sa.Engine) -> int:
    with db.connect() as conn:
        return int(conn.scalar(sa.text("SELECT count(*) FROM alerts")) or 0)


def test_killed_while_raising_the_alert_and_started_again(
    config: Path, database_url: str, db: sa.Engine, slack_server: FakeSlackServer, slack, target
):
    at = WEDNESDAY_MORNING
    first = MonitorProcess(config, database_url, slack_server, at)
    assert sorted(first.tick(at)) == ["api", "shop"]
    target.status = 500  # both monitors probe the one site
    first.tick(at + MINUTE)
    first.tick(at + 2 * MINUTE)
    # The third failure raises the alert: the process dies as soon as the alert is stored,
    # before (or while) it posts it and declares its incident.
    first.send(at + 3 * MINUTE)
    eventually(lambda: alert_rows(db) > 0, timeout=20)
    first.kill()

    # Started again a little later (a claim the dead one held has run out by then).
    at += 5 * MINUTE
    second = MonitorProcess(config, database_url, slack_server, at)
    for n in range(3):
        second.tick(at + n * MINUTE)
    target.status = 200
    for n in range(3, 6):
        second.tick(at + n * MINUTE)
    second.stop()
    for monitor in ("shop", "api"):
        assert_one_outage_for(slack, db, monitor)
    assert len(posts(slack, ALERTS)) == 2 and len(posts(slack)) == 2


def assert_one_outage_for(slack: FakeSlack, db: sa.Engine, monitor: str) -> None:
    [alert] = [p for p in posts(slack, ALERTS) if f"{monitor}*" in post_text(p)]
    replies = thread_texts(slack, alert)
    assert sum("recovered" in r for r in replies) == 1, replies
    incidents = [p for p in posts(slack) if f"{monitor} is down" in post_text(p)]
    assert len(incidents) == 1
    [incident] = incidents
    assert sum(f"on {monitor}:" in t for t in thread_texts(slack, incident)) == 1
    assert sum("saw it recover" in t for t in thread_texts(slack, incident)) == 1
    with db.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT rule, state, incident_id FROM alerts WHERE monitor = :m"),
            {"m": monitor},
        ).all()
        unsent = conn.scalar(sa.text("SELECT count(*) FROM outbox WHERE status <> 'sent'"))
    assert [(r[0], r[1]) for r in rows] == [("down", "resolved")] and rows[0][2] is not None
    assert unsent == 0


def test_two_processes_on_one_postgresql_check_once_and_alert_once(
    config: Path, postgres_databases, slack_server: FakeSlackServer, slack, target
):
    url = postgres_databases.fresh()
    db = sa.create_engine(url)
    at = WEDNESDAY_MORNING
    replicas = [MonitorProcess(config, url, slack_server, at) for _ in range(2)]
    try:
        for n in range(8):
            if n == 1:
                target.status = 500
            if n == 5:
                target.status = 200
            for replica in replicas:
                replica.send(at + n * MINUTE)
            checked = [json.loads(r._line()) for r in replicas]
            # Each monitor checked once a minute, by one replica or the other.
            assert sorted(name for names in checked for name in names) == ["api", "shop"]
        for replica in replicas:
            replica.stop()
    finally:
        for replica in replicas:
            if replica.proc.poll() is None:
                replica.kill()
    assert target.hits == 16
    for monitor in ("shop", "api"):
        assert_one_outage_for(slack, db, monitor)
    assert len(posts(slack, ALERTS)) == 2 and len(posts(slack)) == 2
    db.dispose()
