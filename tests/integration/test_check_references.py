"""A posted run keeps which check each item has, never the check itself (SPEC §10).

Check definitions hold credentials (a database URL's password, a status page's token): the
database must not keep copies of them, and "Run check again" must run the check the config
has now, not the one it had when the message was posted."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.config import Plan, Settings
from bot.slack import Action
from playground.fake_slack import FakeSlack, FakeSlackServer
from tests.integration.conftest import SECRET
from tests.integration.flows import eventually, post_text, posts, replies_to, updated
from tests.support.bot_server import BotServer
from tests.support.postgres import PostgresServer
from tests.support.slack_user import SlackUser

DB_PASSWORD = "pw-s3cret-4f1c"
TOKEN = "tok-s3cret-9a7e"


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"fine")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def shop() -> Iterator[str]:
    """An HTTP endpoint that answers 200."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def other_database(postgres_server: PostgresServer) -> str:
    """A database other than the bot's, reached with a password (the server trusts anyone)."""
    url = make_url(postgres_server.url("postgres")).set(password=DB_PASSWORD)
    return url.render_as_string(hide_password=False)


def write_runbook(folder: Path, database: str, shop_url: str, *, step: str) -> None:
    (folder / "shop-health.yml").write_text(
        "title: Shop Health\ncategories: [shop]\nsteps:\n"
        "  - text: Check the orders database\n"
        f"    check: {{kind: database, url: '{database}'}}\n"
        f"  - text: {step}\n"
        f"    check: {{kind: http, url: '{shop_url}/health?token={TOKEN}'}}\n"
    )


def stored_results(db: sa.Engine) -> list[Any]:
    with db.connect() as connection:
        rows = connection.execute(sa.text("SELECT results FROM checklist_runs")).scalars().all()
    return [json.loads(r) if isinstance(r, str) else r for r in rows]


def post_runbook(
    bot: BotServer, slack: FakeSlack, slack_server: FakeSlackServer, db: sa.Engine
) -> dict[str, Any]:
    with httpx.Client(base_url=bot.url, timeout=10) as http:
        SlackUser(http, slack_server, SECRET, "U0SUP1").command(
            "shop-health", command="/runbook", channel="C0OPS"
        )
    posted = eventually(lambda: posts(slack, "C0OPS"), timeout=10)[0]

    def ts_kept() -> bool:  # the bot may stop now: it knows which message to edit later
        with db.connect() as connection:
            return bool(connection.execute(sa.text("SELECT ts FROM checklist_runs")).scalar())

    eventually(ts_kept)
    return dict(posted)


def rerun(bot: BotServer, slack_server: FakeSlackServer, posted: dict[str, Any], item: int) -> None:
    again = [b for b in posted["blocks"] if b.get("block_id") == f"check-{item}"]
    with httpx.Client(base_url=bot.url, timeout=10) as http:
        response = SlackUser(http, slack_server, SECRET, "U0SUP1").click(
            {**posted, "blocks": again}, Action.RECHECK
        )
    assert response.status_code == 200


def test_runs_store_no_definition_and_a_rerun_uses_the_config_of_today(
    slack, slack_server, settings: Settings, db, postgres_server, shop, tmp_path
):
    write_runbook(tmp_path, other_database(postgres_server), closed_url(), step="Check the shop")
    plan = Plan.model_validate({"runbooks_dir": str(tmp_path)})
    with BotServer(settings, plan, schedule=False) as bot:
        posted = post_runbook(bot, slack, slack_server, db)
    text = post_text(posted)
    assert "SELECT 1 in" in text and "unreachable" in text

    [results] = stored_results(db)
    assert set(results) == {"0", "1"}
    assert DB_PASSWORD not in json.dumps(results) and TOKEN not in json.dumps(results)
    assert all(set(r) <= {"status", "summary", "age_s"} for r in results.values()), results

    # The shop moved; the config says where. The old message's button must follow it.
    write_runbook(tmp_path, other_database(postgres_server), shop, step="Check the shop")
    with BotServer(settings, plan, schedule=False) as bot:
        rerun(bot, slack_server, posted, 1)
        after = updated(slack, posted, "200 in")
    assert "🟢" in post_text(after)
    assert TOKEN not in json.dumps(stored_results(db))


def test_a_run_stored_with_definitions_still_shows_and_reruns_from_the_config(
    slack, slack_server, settings: Settings, db, postgres_server, shop, tmp_path
):
    moved = closed_url()
    write_runbook(tmp_path, other_database(postgres_server), moved, step="Check the shop")
    plan = Plan.model_validate({"runbooks_dir": str(tmp_path)})
    with BotServer(settings, plan, schedule=False) as bot:
        posted = post_runbook(bot, slack, slack_server, db)
    # As the bot stored runs before: each result with its check's whole definition.
    old_shape = {
        "0": {
            "status": "ok",
            "summary": "SELECT 1 in 3 ms (postgresql at 127.0.0.1)",
            "spec": {"kind": "database", "url": other_database(postgres_server)},
        },
        "1": {
            "status": "fail",
            "summary": "unreachable: ConnectError",
            "spec": {"kind": "http", "url": f"{moved}/health?token={TOKEN}"},
        },
    }
    with db.begin() as connection:
        connection.execute(
            sa.text("UPDATE checklist_runs SET results = :results"),
            {"results": json.dumps(old_shape)},
        )
    write_runbook(tmp_path, other_database(postgres_server), shop, step="Check the shop")
    with BotServer(settings, plan, schedule=False) as bot:
        rerun(bot, slack_server, posted, 1)
        after = updated(slack, posted, "200 in")
    assert "SELECT 1 in 3 ms" in post_text(after)  # the old result still shows
    stored = json.dumps(stored_results(db))
    assert DB_PASSWORD not in stored and TOKEN not in stored  # and the definitions are gone


def test_a_check_no_longer_in_the_config_is_not_run_again(
    slack, slack_server, settings: Settings, db, postgres_server, shop, tmp_path
):
    write_runbook(tmp_path, other_database(postgres_server), shop, step="Check the shop")
    plan = Plan.model_validate({"runbooks_dir": str(tmp_path)})
    with BotServer(settings, plan, schedule=False) as bot:
        posted = post_runbook(bot, slack, slack_server, db)
    write_runbook(tmp_path, other_database(postgres_server), shop, step="Check the new shop")
    with BotServer(settings, plan, schedule=False) as bot:
        rerun(bot, slack_server, posted, 1)
        assert "no longer in the config" in replies_to("U0SUP1", slack)[0]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_removes_stored_definitions(backend, tmp_path, postgres_server):
    from bot.store import upgrade

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = postgres_server.create_database(f"old_shape_{backend}_{id(tmp_path)}")
    upgrade(url, "0004")
    old = {"0": {"status": "ok", "summary": "SELECT 1", "spec": {"kind": "database", "url": url}}}
    engine = sa.create_engine(url.replace("sqlite:///", "sqlite+pysqlite:///"))
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO checklist_runs (checklist, title, items, slot_key, slot_at,"
                    " status, channel, created_at, kind, results) VALUES ('runbook:x', 'X',"
                    " :items, 'k', :at, 'posted', 'C0OPS', :at, 'runbook', :results)"
                ),
                {
                    "items": '{"items": ["a"]}',
                    "at": "2026-11-27 15:00:00",
                    "results": json.dumps(old),
                },
            )
        upgrade(url)
        assert stored_results(engine) == [{"0": {"status": "ok", "summary": "SELECT 1"}}]
    finally:
        engine.dispose()
