"""The same Slack request twice acts once: a signed copy replayed inside the signature's five
minutes (or Slack's retry) is acknowledged and does nothing, whichever process it reaches."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from bot.config import Settings
from bot.slack import Action, Field
from playground.serving import ThreadedServer
from playground.slack_requests import signed_headers
from tests.integration.conftest import PEOPLE, SECRET, TOKEN
from tests.integration.flows import (
    declare,
    eventually,
    page_counts,
    replies_to,
    settled,
    thread_texts,
    updated,
)
from tests.support.bot_server import BotServer
from tests.support.slack_user import SlackUser


def quiet(db: sa.Engine) -> None:
    """Wait out what a copy acked a moment ago would do after its ack (a listener acks first
    and then acts), and until Slack has been sent everything queued."""
    time.sleep(1.0)
    eventually(lambda: settled(db))


def kinds(db: sa.Engine) -> list[str]:
    with db.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT kind FROM incident_events ORDER BY id"))]


def level_and_pages(db: sa.Engine) -> tuple[int, dict[int, int]]:
    with db.connect() as conn:
        level = conn.scalar(sa.text("SELECT level FROM incidents"))
        pages = conn.execute(
            sa.text("SELECT level, count(*) FROM pages WHERE kind = 'page' GROUP BY level")
        ).all()
    return int(level), {int(row[0]): int(row[1]) for row in pages}


def test_a_replayed_escalate_click_moves_one_level_and_pages_it_once(
    slack, reporter, responder, db
):
    post = declare(reporter, slack, "emails not sending")
    body = responder.click_body(post, Action.ESCALATE)
    headers = signed_headers(SECRET, body)
    assert responder.send(body, headers=headers).status_code == 200
    updated(slack, post, "Level 2 — Development Team")
    eventually(lambda: settled(db))
    paged = level_and_pages(db), page_counts(slack, PEOPLE)
    replayed = responder.send(body, headers=headers)
    assert replayed.status_code == 200 and replayed.content == b""
    quiet(db)
    assert (level_and_pages(db), page_counts(slack, PEOPLE)) == paged
    assert paged[0][0] == 2 and "U0ARCH1" not in paged[1]
    assert kinds(db).count("escalated") == 1


def test_a_replayed_update_command_adds_one_timeline_entry(slack, reporter, responder, db):
    post = declare(reporter, slack, "emails not sending")
    body = responder.command_body("update INC-1 mail relay restarted")
    headers = signed_headers(SECRET, body)
    assert responder.send(body, headers=headers).status_code == 200
    assert responder.send(body, headers=headers).content == b""
    # Slack's own retry of it (same body, newly signed, retry headers) is no different.
    assert responder.send(body, retry_num=1).content == b""
    quiet(db)
    assert kinds(db).count("update") == 1
    assert len([t for t in thread_texts(slack, post) if "mail relay restarted" in t]) == 1


def test_a_replayed_resolve_form_does_not_resolve_the_reopened_incident(
    slack, reporter, responder, db
):
    post = declare(reporter, slack, "orders stuck in pending")
    responder.click(post, Action.RESOLVE)
    view = slack.wait_for("views.open")[0].response["view"]
    body = responder.submit_body(view, {Field.SUMMARY: "queue worker restarted"})
    headers = signed_headers(SECRET, body)
    assert responder.send(body, headers=headers).status_code == 200
    resolved = updated(slack, post, "Resolved by <@U0SUP1>")
    reporter.click(resolved, Action.REOPEN)
    eventually(lambda: "reopened" in kinds(db))
    replayed = responder.send(body, headers=headers)
    assert replayed.status_code == 200 and replayed.content == b""
    quiet(db)
    assert kinds(db).count("resolved") == 1
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT status FROM incidents")) != "resolved"


def test_new_requests_that_look_alike_all_act(slack, reporter, responder, db):
    post = declare(reporter, slack, "emails not sending")
    for _ in range(2):
        assert responder.command("update INC-1 still looking").status_code == 200
        assert responder.command("list").status_code == 200
    eventually(lambda: kinds(db).count("update") == 2)
    assert len(replies_to("U0SUP1", slack, count=4)) >= 4
    responder.click(post, Action.ESCALATE)
    second = updated(slack, post, "Level 2 — Development Team")
    responder.click(second, Action.ESCALATE)
    updated(slack, post, "Level 3")
    # A form answered with errors stays open with the same id and hash; its next submit acts.
    responder.click(post, Action.RESOLVE)
    view = slack.wait_for("views.open")[0].response["view"]
    assert responder.submit(view, {Field.SUMMARY: " "}).json()["response_action"] == "errors"
    assert responder.submit(view, {Field.SUMMARY: "fixed"}).content == b""
    updated(slack, post, "Resolved by <@U0SUP1>")


def test_a_request_that_failed_before_it_was_recorded_acts_when_sent_again(
    slack, slack_server, plan, bot_clock, sqlite_databases, tmp_path
):
    # The database is not there yet: the first copy can record nothing and declare nothing.
    path = tmp_path / "not-yet" / "bot.db"
    settings = Settings(
        bot_token=TOKEN,
        signing_secret=SECRET,
        api_url=slack_server.api_url,
        database_url=f"sqlite:///{path}",
    )
    with (
        BotServer(settings, plan, bot_clock, schedule=False) as bot,
        httpx.Client(base_url=bot.url, timeout=10) as http,
    ):
        reporter = SlackUser(http, slack_server, SECRET, "U1")
        body = reporter.command_body("orders stuck in pending")
        assert reporter.send(body).status_code == 200
        replies_to("U1", slack)  # the error notice: nothing was declared
        path.parent.mkdir()
        shutil.copyfile(Path(sqlite_databases.fresh().removeprefix("sqlite:///")), path)
        # Slack's retry of that request is a request never handled: it declares.
        assert reporter.send(body, retry_num=1).status_code == 200
        engine = sa.create_engine(f"sqlite:///{path}")
        try:
            eventually(lambda: settled(engine) and _count(engine, "incidents") == 1)
        finally:
            engine.dispose()


def _count(db: sa.Engine, table: str) -> int:
    with db.connect() as conn:
        return int(conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)


# -- two processes, one PostgreSQL -------------------------------------------------------------


@pytest.fixture
def two_bots(postgres_databases, slack_server, bot_clock) -> Iterator[tuple[str, list[str]]]:
    """Two `supportbot serve`-like processes on one fresh PostgreSQL database."""
    url = postgres_databases.fresh()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_server.api_url,
        "DATABASE_URL": url,
    }
    ports = []
    for _ in range(2):
        sock = ThreadedServer.bind()
        ports.append(sock.getsockname()[1])
        sock.close()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.bot_process",
                str(port),
                bot_clock.now().isoformat(),
            ],
            env=env,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for bot_url in urls:
            eventually(lambda u=bot_url: _healthy(u), timeout=30)
        yield url, urls
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _send_to_both_at_once(urls: list[str], body: bytes) -> list[httpx.Response]:
    headers = signed_headers(SECRET, body)
    start = threading.Barrier(len(urls))
    answers: list[httpx.Response] = []

    def send(url: str) -> None:
        with httpx.Client(base_url=url, timeout=10) as http:
            start.wait()
            answers.append(http.post("/slack/events", content=body, headers=headers))

    threads = [threading.Thread(target=send, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_processes_given_the_same_requests_at_once_act_once(slack, slack_server, two_bots):
    url, urls = two_bots
    db = sa.create_engine(url)
    try:
        with httpx.Client(base_url=urls[0], timeout=10) as http:
            reporter = SlackUser(http, slack_server, SECRET, "U1")
            responder = SlackUser(http, slack_server, SECRET, "U0SUP1")
            post = declare(reporter, slack, "emails not sending")
            escalate = responder.click_body(post, Action.ESCALATE)
            update = responder.command_body("update INC-1 mail relay restarted")
        for body in (escalate, update):
            answers = _send_to_both_at_once(urls, body)
            assert [a.status_code for a in answers] == [200, 200]
        eventually(lambda: kinds(db).count("update") >= 1)
        quiet(db)
        updated(slack, post, "Level 2 — Development Team")
        assert kinds(db).count("escalated") == 1
        assert level_and_pages(db)[0] == 2
        assert "U0ARCH1" not in page_counts(slack, PEOPLE)
    finally:
        db.dispose()
