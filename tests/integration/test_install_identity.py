"""Two installs on one workspace (or one database reset): each knows its own messages.

Markers carry incident and page numbers, and a new database numbers from 1 again. A retry
that checks Slack's history before posting must not take the old install's INC-1 post or page
DMs for its own: the new incident is posted and its people are paged."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from bot.store import install_id
from tests.integration.conftest import PEOPLE, SECRET, CheckedClient
from tests.integration.flows import INCIDENTS, eventually, page_counts, posts, settled
from tests.support.bot_server import BotServer
from tests.support.slack_user import SlackUser

EVERYONE_PAGED = {"U0SUP1": 1, "U0SUP2": 1, "U0DEV1": 1, "U0DEV2": 1}


def declared_and_settled(database_url: str) -> bool:
    engine = sa.create_engine(database_url.replace("sqlite:///", "sqlite+pysqlite:///"))
    try:
        with engine.connect() as conn:
            declared = conn.scalar(sa.text("SELECT count(*) FROM incidents"))
        return bool(declared) and settled(engine)
    finally:
        engine.dispose()


def another_database(request: pytest.FixtureRequest, database_url: str) -> str:
    """A fresh database of the same kind as the test's own."""
    kind = "sqlite_databases" if database_url.startswith("sqlite") else "postgres_databases"
    return request.getfixturevalue(kind).fresh()


def test_a_reset_database_posts_and_pages_its_own_inc_1_despite_the_old_one(
    request, slack, slack_server, settings, plan, bot, bot_clock, reporter, database_url
):
    assert reporter.command("site down for everyone").status_code == 200
    eventually(lambda: declared_and_settled(database_url), timeout=15)
    assert len(posts(slack)) == 1 and page_counts(slack, PEOPLE) == EVERYONE_PAGED
    bot.stop()
    sent_before = len(slack.calls_to("chat.postMessage"))

    # The same workspace and channels, history kept; a database that starts from 1 again.
    fresh = dataclasses.replace(settings, database_url=another_database(request, database_url))
    with BotServer(fresh, plan, bot_clock, schedule=False) as second:
        # Every first try fails, so every retry goes through the history check.
        slack.fail_for("chat.postMessage", status=500, seconds=3)
        with CheckedClient(base_url=second.url, timeout=10) as http:
            response = SlackUser(http, slack_server, SECRET, "U1").command("site down for everyone")
        assert response.status_code == 200
        eventually(lambda: declared_and_settled(fresh.database_url), timeout=30)

    after = slack.calls_to("chat.postMessage")[sent_before:]
    assert 500 in [c.status for c in after]
    assert slack.delivered("conversations.history")
    incident_posts = [m for m in posts(slack) if m.get("channel", INCIDENTS) == INCIDENTS]
    assert len(incident_posts) == 2
    markers = [m["metadata"]["event_payload"] for m in incident_posts]
    assert [m["incident"] for m in markers] == [1, 1]
    assert markers[0]["install"] != markers[1]["install"]
    assert page_counts(slack, PEOPLE) == {user: 2 for user in EVERYONE_PAGED}


def test_the_install_id_is_kept_across_restarts_and_differs_between_databases(
    request, database_url
):
    first = install_id(database_url)
    assert first and install_id(database_url) == first
    assert install_id(another_database(request, database_url)) != first
    engine = sa.create_engine(database_url.replace("sqlite:///", "sqlite+pysqlite:///"))
    try:
        with engine.connect() as conn:
            stored = conn.scalar(sa.text("SELECT value FROM install WHERE key = 'install_id'"))
    finally:
        engine.dispose()
    assert stored == first
