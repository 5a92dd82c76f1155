"""Pages through Slack's bad days: a minute of 500s, rate limits, an answer lost on the way
back, and the bot killed while Slack holds its answer. Every page arrives exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import httpx
import sqlalchemy as sa

from playground.serving import ThreadedServer
from tests.integration.conftest import PEOPLE, SECRET, TOKEN
from tests.integration.flows import eventually, page_counts, pages_to, posts, settled
from tests.support.bot_server import BotServer
from tests.support.slack_user import SlackUser

EVERYONE_PAGED = {"U0SUP1": 1, "U0SUP2": 1, "U0DEV1": 1, "U0DEV2": 1}


def all_delivered(db) -> bool:
    """An incident was declared (the command acks before it declares) and nothing is queued."""
    with db.connect() as conn:
        declared = conn.scalar(sa.text("SELECT count(*) FROM incidents"))
    return bool(declared) and settled(db)


def to_a_dm(args: dict) -> bool:
    return str(args.get("channel", "")).startswith("D")


def pages_delivered_once(slack, db) -> None:
    """Every page row was delivered, each exactly one DM in Slack, and knows its DM."""
    with db.connect() as conn:
        rows = conn.execute(sa.text('SELECT id, "user" AS person, status, ts FROM pages')).all()
    assert rows and all(r.status == "sent" and r.ts for r in rows)
    for row in rows:
        dms = [
            m
            for m in pages_to(slack, row.person)
            if m["metadata"]["event_payload"]["page"] == row.id
        ]
        assert [m["ts"] for m in dms] == [row.ts]


def test_every_page_is_committed_as_attempted_before_its_dm_goes_out(slack, reporter, db):
    """What a worker that takes the message over (this one died, or lost Slack's answer) sees
    the moment Slack takes a page DM: the page marked attempted, so it looks before it posts."""
    seen: dict[int, object] = {}

    def look(event: dict) -> None:
        call = event.get("call") or {}
        if call.get("method") != "chat.postMessage" or not to_a_dm(call["args"]):
            return
        page = call["args"]["metadata"]["event_payload"]["page"]
        with db.connect() as conn:
            seen[page] = conn.scalar(
                sa.text("SELECT attempted_at FROM pages WHERE id = :id"), {"id": page}
            )

    unsubscribe = slack.subscribe(look)
    try:
        reporter.command("site down for everyone")
        eventually(lambda: all_delivered(db), timeout=15)
    finally:
        unsubscribe()
    assert len(seen) == len(EVERYONE_PAGED), seen
    assert all(at is not None for at in seen.values()), seen
    pages_delivered_once(slack, db)


def test_a_minute_of_server_errors_then_every_page_arrives_once(slack, reporter, bot_clock, db):
    outage_ends = bot_clock.now() + timedelta(minutes=1)
    down = lambda: bot_clock.now() < outage_ends  # noqa: E731
    slack.fail_while("chat.postMessage", down)
    slack.fail_while("conversations.open", down)
    assert reporter.command("site down for everyone").status_code == 200
    # The bot's minute passes in a few real seconds; its retries and backoff follow its clock.
    while down():
        time.sleep(0.1)
        bot_clock.advance(timedelta(seconds=3))
    eventually(lambda: all_delivered(db), timeout=30)
    assert [c.status for c in slack.calls_to("conversations.open")][:1] == [500]
    assert page_counts(slack, PEOPLE) == EVERYONE_PAGED
    assert len(posts(slack)) == 1
    pages_delivered_once(slack, db)


def test_a_rate_limited_page_waits_as_told_and_arrives_once(slack, reporter, db):
    slack.fail_next("chat.postMessage", status=429, retry_after=1, where=to_a_dm)
    reporter.command("site down for everyone")
    eventually(lambda: all_delivered(db), timeout=15)
    assert [c.status for c in slack.calls_to("chat.postMessage") if not c.ok] == [429]
    assert page_counts(slack, PEOPLE) == EVERYONE_PAGED
    pages_delivered_once(slack, db)


def test_a_page_whose_answer_was_lost_is_found_not_sent_again(slack, reporter, db):
    # Slack posts the DM but the bot only sees a 500: it must look before it tries again.
    slack.lose_next("chat.postMessage", times=2, where=to_a_dm)
    reporter.command("site down for everyone")
    eventually(lambda: all_delivered(db), timeout=20)
    lost = [c for c in slack.calls_to("chat.postMessage") if c.status == 500]
    assert len(lost) == 2
    assert slack.delivered("conversations.history")
    assert page_counts(slack, PEOPLE) == EVERYONE_PAGED
    pages_delivered_once(slack, db)


def test_a_bot_killed_mid_delivery_and_restarted_loses_nothing_and_doubles_nothing(
    slack, slack_server, settings, plan, bot_clock, db
):
    # Slack takes each DM but holds its answer; the bot process dies waiting for it.
    slack.hold_next("chat.postMessage", seconds=60, times=10, where=to_a_dm)
    sock = ThreadedServer.bind()
    port = sock.getsockname()[1]
    sock.close()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": settings.api_url,
        "DATABASE_URL": settings.database_url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.bot_process", str(port), bot_clock.now().isoformat()],
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        eventually(lambda: _healthy(url), timeout=20)
        with httpx.Client(base_url=url, timeout=10) as http:
            SlackUser(http, slack_server, SECRET, "U1").command("site down for everyone")
        eventually(
            lambda: len([c for c in slack.calls_to("chat.postMessage") if to_a_dm(c.args)]) == 4
        )
    finally:
        process.kill()
        process.wait(timeout=10)
    slack.release_held()
    with db.begin() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM pages WHERE ts IS NULL")) == 4
        # The dead process's claims run out (after 60 s in real life).
        conn.execute(
            sa.text("UPDATE outbox SET claimed_until = created_at WHERE status = 'sending'")
        )
    with BotServer(settings, plan, bot_clock, schedule=False):
        eventually(lambda: all_delivered(db), timeout=20)
    assert page_counts(slack, PEOPLE) == EVERYONE_PAGED
    assert len(posts(slack)) == 1
    pages_delivered_once(slack, db)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
