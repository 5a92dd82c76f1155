"""The supportbot command line, run as a user runs it: a real process."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SUPPORTBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        check=False,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=60,
    )


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("serve", "socket", "db", "config"):
        assert command in result.stdout


def test_config_check_prints_the_effective_plan(tmp_path):
    result = run("config", "check", cwd=tmp_path)
    assert result.returncode == 0
    assert "built-in seed defaults" in result.stdout
    assert "Senior Developer/Architect" in result.stdout and "respond: 15m" in result.stdout


def test_config_check_prints_the_classifiers_accuracy_on_its_examples(tmp_path):
    (tmp_path / "supportbot.yml").write_text(
        "classifier:\n  examples:\n"
        "    - {text: the kiosk in store 4 is frozen, tier: 2, category: kiosk}\n"
        "    - {text: every kiosk is frozen, tier: 1, category: kiosk}\n"
    )
    result = run("config", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("# classifier:"))
    assert "2 from classifier.examples" in line and "shipped" in line
    accuracy = float(line.split("tier ")[1].split("%")[0])
    assert accuracy >= 80


def test_config_check_names_the_bad_key(tmp_path):
    config = tmp_path / "bad.yml"
    config.write_text("tiers:\n  1: {name: Critical, respond: whenever}\n")
    result = run("config", "check", env={"SUPPORTBOT_CONFIG": str(config)})
    assert result.returncode == 2
    assert "tiers.1.respond" in result.stderr and "not a duration" in result.stderr


def test_supportbot_yml_in_the_working_directory_is_read(tmp_path):
    (tmp_path / "supportbot.yml").write_text("timezone: Europe/London\n")
    result = run("config", "check", cwd=tmp_path)
    assert result.returncode == 0 and "timezone: Europe/London" in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_page(port: int) -> httpx.Response | None:
    for _ in range(200):
        try:
            return httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
        except httpx.TransportError:
            time.sleep(0.05)
    return None


def test_serve_without_credentials_starts_the_playground(tmp_path):
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SUPPORTBOT_"))}
    base.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=base,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = _wait_for_page(port)
        assert page is not None and "supportbot playground" in page.text
        assert (tmp_path / "supportbot-playground.db").exists()
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set, so this is the playground" in (
        stderr
    )


def test_the_playground_uses_the_database_url_it_is_given(tmp_path):
    port = _free_port()
    chosen = tmp_path / "chosen.db"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SUPPORTBOT_"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "playground", "--port", str(port)],
        cwd=tmp_path,
        env={**base, "DATABASE_URL": f"sqlite:///{chosen}"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = _wait_for_page(port)
        assert page is not None and "supportbot playground" in page.text
        tables = {
            r[0]
            for r in sqlite3.connect(chosen).execute(
                "SELECT name FROM sqlite_master WHERE type='table'"
            )
        }
        assert "incidents" in tables
        assert not (tmp_path / "supportbot-playground.db").exists()
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_serve_with_half_the_credentials_says_what_is_missing(tmp_path):
    only_token = run("serve", cwd=tmp_path, env={"SLACK_BOT_TOKEN": "xoxb-secret-value"})
    assert only_token.returncode == 2
    assert "SLACK_SIGNING_SECRET is not set" in only_token.stderr
    assert "xoxb-secret-value" not in only_token.stderr + only_token.stdout


def test_socket_without_app_token_says_so(tmp_path):
    result = run("socket", cwd=tmp_path, env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert result.returncode == 2 and "SLACK_APP_TOKEN" in result.stderr


def test_db_upgrade_creates_the_schema(tmp_path):
    path = tmp_path / "fresh.db"
    result = run("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{path}"})
    assert result.returncode == 0, result.stderr
    tables = {
        r[0]
        for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert {"incidents", "incident_events", "outbox", "alembic_version"} <= tables
    assert run("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{path}"}).returncode == 0


def test_bad_database_url_is_a_clear_error(tmp_path):
    result = run("db", "upgrade", env={"DATABASE_URL": "mysql://x/y"})
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr


def _playground_process(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SUPPORTBOT_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=base,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_playground_listens_only_on_loopback_unless_told(tmp_path):
    for command in ("serve", "playground"):
        result = run(command, "--host", "0.0.0.0", "--port", str(_free_port()), cwd=tmp_path)
        assert result.returncode == 2
        assert "listens only on a loopback address" in result.stderr
        assert "--public-playground" in result.stderr
    assert not (tmp_path / "supportbot-playground.db").exists()


def test_public_playground_is_consent_and_warns(tmp_path):
    port = _free_port()
    server = _playground_process(
        tmp_path, "playground", "--host", "0.0.0.0", "--port", str(port), "--public-playground"
    )
    try:
        page = _wait_for_page(port)
        assert page is not None and "supportbot playground" in page.text
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert "the playground listens on 0.0.0.0: anyone who reaches it can act as any user" in stderr


def test_the_playground_works_on_the_address_it_is_given(tmp_path):
    # 127.0.0.2 is loopback on Linux, but nothing listens on 127.0.0.1: the playground's calls
    # to its own bot and emulator must go to the address it was given.
    port = _free_port()
    server = _playground_process(tmp_path, "playground", "--host", "127.0.0.2", "--port", str(port))
    url = f"http://127.0.0.2:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        declare = {"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/incident emails down"}
        answer = httpx.post(f"{url}/pg/command", json=declare, timeout=15)
        assert answer.status_code == 200 and answer.json()["ok"] is True, answer.text
        pane = ""
        for _ in range(200):
            pane = httpx.get(
                f"{url}/pg/pane", params={"user": "U0SUP1", "channel": "C0INCIDENTS"}
            ).text
            if "INC-1" in pane:
                break
            time.sleep(0.05)
        assert "INC-1" in pane
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert f"open {url}/ in your browser" in stderr


def test_config_check_masks_every_credential(tmp_path):
    config = tmp_path / "supportbot.yml"
    config.write_text(
        "checklists:\n"
        "  - name: morning\n"
        "    title: Morning\n"
        "    schedule: business days 09:00\n"
        "    items:\n"
        "      - text: Orders database\n"
        "        check: {kind: database, url: 'postgresql://orders:db-s3cret@db.internal/orders'}\n"
        "      - text: Status page\n"
        "        check: {kind: http, url: 'https://status.example/health?token=tok-s3cret&v=2'}\n"
    )
    result = run(
        "config",
        "check",
        cwd=tmp_path,
        env={"DATABASE_URL": "postgresql://bot:bot-s3cret@db.internal:5432/supportbot"},
    )
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    for secret in ("db-s3cret", "tok-s3cret", "bot-s3cret"):
        assert secret not in printed
    # Where each thing is stays readable: only the credentials are masked.
    assert "postgresql://orders:***@db.internal/orders" in printed
    assert "https://status.example/health?token=***&v=2" in printed
    assert "# database: postgresql://bot:***@db.internal:5432/supportbot" in printed
