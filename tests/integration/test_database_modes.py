"""A database is a production bot's or the playground's, never both: the real CLI, on both."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

# Nothing listens there: the production bot starts fine and its Slack calls just fail.
NO_SLACK = "http://127.0.0.1:9/api/"
CREDENTIALS = {"SLACK_BOT_TOKEN": "xoxb-modes", "SLACK_SIGNING_SECRET": "modes-secret"}


def environment(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SUPPORTBOT_"))}
    base.pop("DATABASE_URL", None)
    return {**base, "SLACK_API_URL": NO_SLACK, **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(tmp: Path, *args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run a `supportbot` command that serves; stop it once it answers. Exit code, stderr."""
    port, listens = free_port(), args[0] != "socket"
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args, *(["--port", str(port)] if listens else [])],
        cwd=tmp,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(400):
            if server.poll() is not None:
                break
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
    finally:
        if server.poll() is None:
            server.terminate()
        _, stderr = server.communicate(timeout=30)
    return server.returncode, stderr


def mode_of(database_url: str) -> str | None:
    engine = sa.create_engine(database_url.replace("sqlite:///", "sqlite+pysqlite:///"))
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("install"):
                return None
            return connection.scalar(sa.text("SELECT value FROM install WHERE key = 'mode'"))
    finally:
        engine.dispose()


def put_data(database_url: str, *, forget_mode: bool = False) -> None:
    """A row someone wrote (an on-call override); with forget_mode, as if before modes."""
    engine = sa.create_engine(database_url.replace("sqlite:///", "sqlite+pysqlite:///"))
    with engine.begin() as connection:
        if forget_mode:
            connection.execute(sa.text("DELETE FROM install"))
        connection.execute(
            sa.text(
                'INSERT INTO oncall_overrides (level, "user", starts_at, ends_at, created_by,'
                " created_at) VALUES (1, 'U1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'U1',"
                " CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()


def test_the_playground_never_starts_on_a_production_bots_database(tmp_path, database_url):
    code, _ = start(tmp_path, "serve", env=environment(DATABASE_URL=database_url, **CREDENTIALS))
    assert mode_of(database_url) == "production"
    code, stderr = start(tmp_path, "playground", env=environment(DATABASE_URL=database_url))
    assert code == 2
    assert "is a production bot's database: the playground will not start on it" in stderr
    assert "Unset DATABASE_URL" in stderr
    assert mode_of(database_url) == "production"


def test_a_production_bot_never_starts_on_the_playgrounds_database(tmp_path, database_url):
    start(tmp_path, "playground", env=environment(DATABASE_URL=database_url))
    assert mode_of(database_url) == "playground"
    code, stderr = start(
        tmp_path, "serve", env=environment(DATABASE_URL=database_url, **CREDENTIALS)
    )
    assert code == 2
    assert "holds the playground's demo data: a production bot will not start on it" in stderr
    socket_mode = environment(
        DATABASE_URL=database_url, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1"
    )
    code, stderr = start(tmp_path, "socket", env=socket_mode)
    assert code == 2 and "a production bot will not start on it" in stderr


def test_the_playground_refuses_a_database_with_data_it_did_not_write(tmp_path, database_url):
    # A production database from before modes were recorded: it has data and no mode.
    put_data(database_url)
    code, stderr = start(tmp_path, "playground", env=environment(DATABASE_URL=database_url))
    assert code == 2
    assert "holds data the playground did not write" in stderr
    assert mode_of(database_url) is None
    # A production bot takes it, as it always did.
    start(tmp_path, "serve", env=environment(DATABASE_URL=database_url, **CREDENTIALS))
    assert mode_of(database_url) == "production"


def test_serve_without_credentials_refuses_a_database_it_was_pointed_at(tmp_path):
    chosen = tmp_path / "production.db"
    code, stderr = start(tmp_path, "serve", env=environment(DATABASE_URL=f"sqlite:///{chosen}"))
    assert code == 2
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set, but DATABASE_URL is" in stderr
    assert "so this is the playground" not in stderr
    assert not chosen.exists()
    assert not (tmp_path / "supportbot-playground.db").exists()


def test_serve_without_anything_set_is_the_playground_on_its_own_database(tmp_path):
    code, stderr = start(tmp_path, "serve", env=environment())
    assert "so this is the playground" in stderr
    assert mode_of(f"sqlite:///{tmp_path / 'supportbot-playground.db'}") == "playground"
    assert not (tmp_path / "supportbot.db").exists()


def test_the_playground_keeps_its_own_database_from_before_modes_were_recorded(tmp_path):
    own = tmp_path / "supportbot-playground.db"
    start(tmp_path, "serve", env=environment())
    put_data(f"sqlite:///{own}", forget_mode=True)
    code, stderr = start(tmp_path, "serve", env=environment())
    assert "so this is the playground" in stderr and "will not start" not in stderr
    assert mode_of(f"sqlite:///{own}") == "playground"


def test_the_refusal_does_not_print_the_database_password(tmp_path, postgres_server):
    url = postgres_server.create_database("supportbot_modes_password")
    with_password = url.replace("://postgres@", "://postgres:hunter2-secret@")
    assert with_password != url
    start(tmp_path, "serve", env=environment(DATABASE_URL=with_password, **CREDENTIALS))
    code, stderr = start(tmp_path, "playground", env=environment(DATABASE_URL=with_password))
    assert code == 2 and "production bot's database" in stderr
    assert "hunter2" not in stderr
