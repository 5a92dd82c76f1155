"""Small waits and lookups shared by the integration tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from playground.fake_slack import FakeSlack
from tests.support.slack_user import SlackUser

INCIDENTS = "C0INCIDENTS"


# How long a wait gives the bot by default: generous, since the suite runs in parallel workers
# on a shared, loaded machine; a passing wait returns as soon as its condition holds.
WAIT = 30.0


def eventually(check: Callable[[], Any], timeout: float = WAIT) -> Any:
    """Poll until check() returns something truthy; fail with the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {value!r})")
        time.sleep(0.01)


def posts(slack: FakeSlack, channel: str = INCIDENTS) -> list[dict[str, Any]]:
    """Top-level messages everyone sees in a channel."""
    return [m for m in slack.messages(channel) if not m.get("ephemeral_for")]


def post_text(message: dict[str, Any]) -> str:
    """All text in a message's blocks, for contains-checks."""
    return str(message.get("blocks")) + message.get("text", "")


def declare(person: SlackUser, slack: FakeSlack, text: str) -> dict[str, Any]:
    """Declare with free text and return the incident post once it is in the channel."""
    before = len(posts(slack))
    response = person.command(text)
    assert response.status_code == 200, response.text
    return eventually(lambda: posts(slack)[before] if len(posts(slack)) > before else None)


def current(slack: FakeSlack, post: dict[str, Any]) -> dict[str, Any]:
    """The post as it is now."""
    found = slack.message(post["channel"], post["ts"])
    assert found is not None
    return found


def updated(
    slack: FakeSlack, post: dict[str, Any], contains: str, timeout: float = WAIT
) -> dict[str, Any]:
    """Wait until the post has been edited to contain a text."""
    return eventually(
        lambda: (m := current(slack, post)) and contains in post_text(m) and m, timeout
    )


def replies_to(person_id: str, slack: FakeSlack, count: int = 1) -> list[str]:
    """Texts of the ephemeral answers a person got on response_url."""
    calls = slack.wait_for(
        "response_url", count=count, where=lambda c: c.args.get("hook_user") == person_id
    )
    return [c.args.get("text", "") for c in calls]


def pages_to(slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    """Page DMs a person holds, oldest first (each carries its page id in metadata)."""
    return [
        m
        for m in slack.messages(f"D{user}")
        if (m.get("metadata") or {}).get("event_type") == "supportbot_page"
    ]


def page_counts(slack: FakeSlack, people: list[str]) -> dict[str, int]:
    """How many page DMs each person holds (people with none left out)."""
    counts = {user: len(pages_to(slack, user)) for user in people}
    return {user: n for user, n in counts.items() if n}


def thread_texts(slack: FakeSlack, post: dict[str, Any]) -> list[str]:
    """Texts of the replies in a post's thread (the timeline)."""
    return [m.get("text", "") for m in slack.thread(post["channel"], post["ts"])[1:]]


def settled(db: sa.Engine) -> bool:
    """Nothing left for the outbox to deliver."""
    with db.connect() as conn:
        waiting = conn.scalar(
            sa.text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
        )
    return waiting == 0
