"""SPEC §10: when the database is locked, broken or down, every request is still answered in
time, an acked declaration is stored or its reporter is told it was not, and /healthz says so.

The trouble is real: another connection holds SQLite's write lock, a table goes, a PostgreSQL
server is stopped or made read-only under the running bot."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager

import httpx
import pytest

from bot.config import Plan, Settings
from bot.slack import Action, Field
from bot.store import upgrade
from playground.blockkit import validate_view
from playground.fake_slack import FakeSlack, FakeSlackServer
from tests.integration.conftest import SECRET, TOKEN
from tests.integration.flows import declare, eventually, posts, replies_to, updated
from tests.support.bot_server import BotServer
from tests.support.postgres import PostgresServer
from tests.support.slack_user import SlackUser

NOT_DECLARED = "your incident was *not declared*"
# Slack drops a modal submission's answer after 3 s; the tests leave room for a loaded machine.
SLACK_WAITS = 3.0


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite: the tests below lock its file; PostgreSQL gets servers of its own further down."""
    return sqlite_url


@contextmanager
def write_locked(database_url: str) -> Iterator[sqlite3.Connection]:
    """Another process's writer holds SQLite's write lock until the block ends (and commits
    whatever it did meanwhile)."""
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("PRAGMA busy_timeout=30000")
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        holder.execute("COMMIT")
        holder.close()


def dms(slack: FakeSlack, user: str) -> list[str]:
    return [m.get("text", "") for m in slack.messages(f"D{user}")]


def open_declare_form(reporter: SlackUser, slack: FakeSlack) -> dict:
    reporter.command("")
    return slack.wait_for("views.open")[0].response["view"]


def test_healthz_fails_fast_while_the_database_cannot_take_a_write(http, settings):
    assert http.get("/healthz").status_code == 200
    with write_locked(settings.database_url):
        started = time.monotonic()
        answer = http.get("/healthz")
        assert answer.status_code == 503
        assert time.monotonic() - started < SLACK_WAITS
    eventually(lambda: http.get("/healthz").status_code == 200, timeout=10)


def test_a_command_acked_as_the_bot_stops_is_still_declared(
    settings, plan, bot_clock, slack_server, slack
):
    # Acked, then the bot is told to stop while the declaration waits for the database: it
    # finishes before the bot closes anything (bot/app.py, FINISH_WITHIN).
    server = BotServer(settings, plan, bot_clock, schedule=False).start()
    stopper = threading.Thread(target=server.stop)
    try:
        with write_locked(settings.database_url):
            with httpx.Client(base_url=server.url, timeout=10) as http:
                user = SlackUser(http, slack_server, SECRET, "U1")
                assert user.command("orders stuck in pending").status_code == 200
            stopper.start()
            time.sleep(0.5)  # stopping, with the declaration still waiting on the lock
        stopper.join(timeout=30)
    finally:
        server.stop()
    path = settings.database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT title FROM incidents").fetchall() == [
            ("orders stuck in pending",)
        ]


def test_a_form_submitted_while_the_database_is_locked_is_answered_in_time(
    slack, reporter, settings
):
    view = open_declare_form(reporter, slack)
    with write_locked(settings.database_url):
        started = time.monotonic()
        response = reporter.submit(view, {Field.TITLE: "checkout is down", Field.TIER: "2"})
        took = time.monotonic() - started
        assert response.status_code == 200
        assert took < SLACK_WAITS, f"answered after {took:.1f} s"
        answer = response.json()
        assert answer["response_action"] == "update"
        assert not validate_view(answer["view"])
        assert "DM" in str(answer["view"]["blocks"])
        time.sleep(0.5)  # the declaration waits for the lock, it does not give up
    post = eventually(lambda: posts(slack))[0]
    assert "checkout is down" in post["text"]
    dm = eventually(lambda: [t for t in dms(slack, "U1") if "Declared *INC-1*" in t])
    assert len(dm) == 1


def test_every_form_is_answered_in_time_and_its_late_outcome_sent_in_a_dm(
    slack, reporter, responder, settings
):
    post = declare(reporter, slack, "orders stuck in pending")
    responder.click(post, Action.RESOLVE)
    view = slack.wait_for("views.open")[0].response["view"]
    with write_locked(settings.database_url):
        started = time.monotonic()
        response = responder.submit(view, {Field.SUMMARY: "queue worker restarted"})
        assert time.monotonic() - started < SLACK_WAITS
        assert response.json()["response_action"] == "update"
    updated(slack, post, "queue worker restarted")
    eventually(lambda: [t for t in dms(slack, "U0SUP1") if "*INC-1* resolved" in t])


def test_a_form_whose_late_declaration_fails_tells_the_reporter_it_was_not_declared(
    slack, reporter, settings
):
    view = open_declare_form(reporter, slack)
    with write_locked(settings.database_url) as holder:
        answers = {Field.TITLE: "payroll export stuck", Field.DESCRIPTION: "since 9:00, all"}
        response = reporter.submit(view, {**answers, Field.TIER: "3"})
        assert response.json()["response_action"] == "update"
        holder.execute("DROP TABLE incidents")  # the declaration fails once the lock goes
    dm = eventually(lambda: [t for t in dms(slack, "U1") if NOT_DECLARED in t])
    assert "payroll export stuck" in dm[0] and "since 9:00, all" in dm[0]
    assert not posts(slack)


def test_a_slash_declaration_that_cannot_be_stored_tells_the_reporter_it_was_not_declared(
    slack, reporter, settings
):
    with write_locked(settings.database_url) as holder:
        holder.execute("DROP TABLE incidents")
    response = reporter.command("emails are not being sent <!channel>")
    assert response.status_code == 200
    reply = replies_to("U1", slack)[0]
    assert NOT_DECLARED in reply
    assert "emails are not being sent &lt;!channel&gt;" in reply  # their text, to send again


def test_a_slash_declaration_waiting_for_the_lock_is_stored_when_it_clears(
    slack, reporter, settings
):
    with write_locked(settings.database_url):
        started = time.monotonic()
        assert reporter.command("vpn drops every hour").status_code == 200
        assert time.monotonic() - started < SLACK_WAITS
        time.sleep(2.5)
    assert "Declared *INC-1*" in replies_to("U1", slack)[0]
    assert "vpn drops every hour" in eventually(lambda: posts(slack))[0]["text"]


# -- PostgreSQL, stopped or read-only under the running bot ---------------------------------


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, free to stop."""
    with PostgresServer() as server:
        server.create_database("supportbot")
        upgrade(server.url("supportbot"))
        yield server


@pytest.fixture
def pg_bot(
    postgres: PostgresServer, slack_server: FakeSlackServer, slack: FakeSlack, plan: Plan, bot_clock
) -> Iterator[BotServer]:
    settings = Settings(
        bot_token=TOKEN,
        signing_secret=SECRET,
        api_url=slack_server.api_url,
        database_url=postgres.url("supportbot"),
    )
    with BotServer(settings, plan, bot_clock, schedule=False) as server:
        yield server


def test_commands_while_postgresql_is_stopped_are_all_answered(
    pg_bot, postgres, slack, slack_server
):
    texts = [f"orders page blank number {n}" for n in range(40)]

    def send(text: str) -> int:
        with httpx.Client(base_url=pg_bot.url, timeout=10) as http:
            return SlackUser(http, slack_server, SECRET, "U1").command(text).status_code

    postgres.pause()
    try:
        assert httpx.get(f"{pg_bot.url}/healthz", timeout=10).status_code == 503
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(send, texts))
        assert statuses == [200] * len(texts)  # none left unanswered (a 404 after 3 s)
        replies = replies_to("U1", slack, count=len(texts))
        assert all(NOT_DECLARED in reply for reply in replies)
        assert {t for t in texts if any(t in reply for reply in replies)} == set(texts)
    finally:
        postgres.resume()
    eventually(lambda: httpx.get(f"{pg_bot.url}/healthz", timeout=10).status_code == 200, 10)


def test_commands_after_postgresql_restarts_are_declared(pg_bot, postgres, slack_server):
    # Request claims have connections of their own, not pinged before use: after a restart
    # the first claim on a dead connection fails, and its request is handled all the same.
    def incidents() -> int:
        with postgres.connect(dbname="supportbot") as conn:
            return int(conn.execute("SELECT count(*) FROM incidents").fetchone()[0])

    with httpx.Client(base_url=pg_bot.url, timeout=10) as http:
        user = SlackUser(http, slack_server, SECRET, "U1")
        assert user.command("search results are empty").status_code == 200
        eventually(lambda: incidents() == 1)
        postgres.pause()
        postgres.resume()
        texts = [f"orders page blank number {n}" for n in range(3)]
        assert [user.command(text).status_code for text in texts] == [200] * 3
        eventually(lambda: incidents() == 4)


def test_healthz_fails_while_postgresql_takes_no_writes(pg_bot, postgres):
    assert httpx.get(f"{pg_bot.url}/healthz", timeout=10).status_code == 200
    with postgres.connect(autocommit=True) as admin:
        admin.execute("ALTER DATABASE supportbot SET default_transaction_read_only = on")
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = 'supportbot' AND pid <> pg_backend_pid()"
        )
    assert httpx.get(f"{pg_bot.url}/healthz", timeout=10).status_code == 503
