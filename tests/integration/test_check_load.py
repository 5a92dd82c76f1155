"""Live checks cannot be used to exhaust the database or hammer an endpoint (SPEC §10).

A hundred people posting a runbook with database checks at once, over signed HTTP against a
real PostgreSQL: the server's connection count stays small, the checks run about once, and the
bot's own transactions still go through. One person clicking "Run check again" over and over
is told to wait."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from bot.config import Plan, Settings
from bot.slack import Action
from playground.fake_slack import FakeSlackServer
from playground.slack_requests import signed_headers, slash_command_body
from tests.integration.conftest import SECRET, TOKEN
from tests.integration.flows import declare, eventually, post_text, posts, replies_to, updated
from tests.support.bot_server import BotServer
from tests.support.postgres import PostgresServer
from tests.support.slack_user import SlackUser

CROWD = 100


class _Counted(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[str]]]:
    """An HTTP endpoint that counts the requests it gets."""
    hits: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Counted,), {"hits": hits}))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/status", hits
    server.shutdown()
    server.server_close()


def runbook_plan(folder: Path, *checks: str) -> Plan:
    steps = "".join(f"  - text: Check {i}\n    check: {c}\n" for i, c in enumerate(checks))
    (folder / "shop-health.yml").write_text(f"title: Shop Health\nsteps:\n{steps}")
    return Plan.model_validate({"runbooks_dir": str(folder)})


class ConnectionWatch:
    """Samples how many connections the PostgreSQL server holds to some databases."""

    def __init__(self, server: PostgresServer, databases: list[str]) -> None:
        self._server, self._databases = server, databases
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        with self._server.connect("postgres", autocommit=True) as connection:
            while not self._stop.is_set():
                count = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
                    (self._databases,),
                ).fetchone()
                self.peak = max(self.peak, int(count[0]) if count else 0)
                time.sleep(0.005)

    def __enter__(self) -> ConnectionWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


async def everyone_posts(url: str, slack_server: FakeSlackServer, text: str) -> list[int]:
    """CROWD different people send `/runbook text` at the same moment."""
    people = [f"U{n:04d}" for n in range(CROWD)]
    limits = httpx.Limits(max_connections=CROWD)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:

        async def send(person: str) -> int:
            body = slash_command_body(
                command="/runbook",
                text=text,
                user_id=person,
                channel_id="C0OPS",
                response_url=slack_server.response_url("C0OPS", person),
            )
            response = await http.post(
                "/slack/events", content=body, headers=signed_headers(SECRET, body)
            )
            return response.status_code

        return list(await asyncio.gather(*(send(p) for p in people)))


def test_a_hundred_runbooks_at_once_keep_postgres_connections_bounded(
    slack, slack_server, postgres_server, postgres_databases, endpoint, tmp_path
):
    bot_url = postgres_databases.fresh()
    other = make_url(postgres_server.url("postgres")).set(password="pw-other-3b1d")
    url, hits = endpoint
    plan = runbook_plan(
        tmp_path,
        "{kind: database}",  # the bot's own database
        f"{{kind: database, url: '{other.render_as_string(hide_password=False)}'}}",
        f"{{kind: http, url: '{url}'}}",
    )
    settings = Settings(
        bot_token=TOKEN, signing_secret=SECRET, api_url=slack_server.api_url, database_url=bot_url
    )
    databases = [str(make_url(bot_url).database), "postgres"]
    with (
        BotServer(settings, plan, schedule=False) as bot,
        ConnectionWatch(postgres_server, databases) as watch,
    ):
        statuses = asyncio.run(everyone_posts(bot.url, slack_server, "shop-health"))
        assert statuses == [200] * CROWD
        posted = eventually(
            lambda: len(posts(slack, "C0OPS")) >= CROWD and posts(slack, "C0OPS"), 60
        )
        # The bot's own transactions still go through.
        with httpx.Client(base_url=bot.url, timeout=10) as http:
            declare(SlackUser(http, slack_server, SECRET, "U1"), slack, "checkout is broken")
    # Its own pool (at most 15) and one connection for the other database, not one per check.
    assert watch.peak <= 20, watch.peak
    assert len(hits) <= 2, len(hits)  # a stampede runs a check once, not a hundred times
    for message in posted:
        assert post_text(message).count("SELECT 1 in") == 2, post_text(message)


def test_run_check_again_is_limited_per_person(slack, slack_server, sqlite_url, endpoint, tmp_path):
    url, hits = endpoint
    plan = runbook_plan(tmp_path, f"{{kind: http, url: '{url}'}}")
    settings = Settings(
        bot_token=TOKEN,
        signing_secret=SECRET,
        api_url=slack_server.api_url,
        database_url=sqlite_url,
    )
    with (
        BotServer(settings, plan, schedule=False) as bot,
        httpx.Client(base_url=bot.url, timeout=10) as http,
    ):
        sam = SlackUser(http, slack_server, SECRET, "U0SUP1")
        sam.command("shop-health", command="/runbook", channel="C0OPS")
        posted = eventually(lambda: posts(slack, "C0OPS"), timeout=10)[0]
        again = {
            **posted,
            "blocks": [b for b in posted["blocks"] if b.get("block_id") == "check-0"],
        }

        def edits() -> int:
            return sum(c.args.get("ts") == posted["ts"] for c in slack.delivered("chat.update"))

        for run in range(2, 6):  # a post and four re-runs: five a minute are fine
            sam.click(again, Action.RECHECK)
            eventually(lambda run=run: len(hits) == run)
            # Its result is in (a click while a run is still going shares that run).
            eventually(lambda run=run: edits() == run - 1)
        sam.click(again, Action.RECHECK)
        assert "try again in" in replies_to("U0SUP1", slack)[0]
        time.sleep(1.2)
        # Over the limit, a new post still comes, with the last result and its age.
        sam.command("shop-health", command="/runbook", channel="C0OPS")
        latest = eventually(lambda: len(posts(slack, "C0OPS")) == 2 and posts(slack, "C0OPS"))
        assert "200 in" in post_text(latest[1]) and "s earlier)" in post_text(latest[1])
        updated(slack, posted, "200 in")
    assert len(hits) == 5
