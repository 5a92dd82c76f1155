"""The playground's bridge: what the page sends reaches the bot as signed Slack requests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.config import Plan
from tests.integration.flows import eventually
from tests.support.playground_server import PlaygroundServer


@pytest.fixture
def playground(sqlite_url: str) -> Iterator[PlaygroundServer]:
    with PlaygroundServer(Plan(), sqlite_url) as server:
        yield server


def test_state_lists_people_per_level_plus_admin_and_the_channels(playground):
    state = httpx.get(f"{playground.url}/pg/state").json()
    assert [p["role"] for p in state["people"]] == [
        "level 1",
        "level 2",
        "level 3, admin",
        "level 4, admin",
    ]
    assert [c["name"] for c in state["channels"]] == ["incidents", "ops", "reports", "alerts"]
    assert state["commands"] == ["/checklist", "/incident", "/oncall", "/runbook"]


def test_a_command_from_the_page_declares_through_the_signed_endpoint(playground):
    fake = playground.playground.fake
    answer = httpx.post(
        f"{playground.url}/pg/command",
        json={"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/incident emails not sending"},
    )
    assert answer.json()["ok"] is True
    eventually(
        lambda: [
            m
            for m in fake.messages("C0INCIDENTS")
            if "INC-1" in m["text"] and not m["ephemeral_for"]
        ]
    )
    pane = httpx.get(
        f"{playground.url}/pg/pane", params={"user": "U0SUP1", "channel": "C0INCIDENTS"}
    ).text
    assert "INC-1" in pane and "data-action-id" in pane


def test_help_from_the_ack_shows_only_to_the_typist(playground):
    httpx.post(
        f"{playground.url}/pg/command",
        json={"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/incident help"},
    )
    mine = httpx.get(
        f"{playground.url}/pg/pane", params={"user": "U0SUP1", "channel": "C0INCIDENTS"}
    ).text
    theirs = httpx.get(
        f"{playground.url}/pg/pane", params={"user": "U0DEV1", "channel": "C0INCIDENTS"}
    ).text
    assert "/incident list" in mine and "/incident list" not in theirs


def test_unknown_commands_are_refused_like_slack_does(playground):
    answer = httpx.post(
        f"{playground.url}/pg/command",
        json={"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/nope"},
    )
    assert answer.json()["error"] == "unknown_command"


def test_jobs_panel_lists_and_runs_jobs(playground):
    jobs = httpx.get(f"{playground.url}/pg/jobs").json()
    assert "outbox" in [j["name"] for j in jobs]
    assert httpx.post(f"{playground.url}/pg/jobs/outbox").json()["ok"] is True
    assert httpx.post(f"{playground.url}/pg/jobs/nope").status_code == 404


def test_the_page_and_its_assets_need_no_internet(playground):
    page = httpx.get(playground.url).text
    assert "http://" not in page and "https://" not in page
    for asset in ("/static/app.js", "/static/playground.css", "/static/blocks.css"):
        body = httpx.get(playground.url + asset)
        assert body.status_code == 200
        assert "https://" not in body.text and "http://" not in body.text
