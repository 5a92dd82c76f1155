"""Integration fixtures: fake Slack on a port, supportbot on a port, people who send requests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from bot.clock import TravelClock
from bot.config import Plan, Settings
from playground.blockkit import validate_message
from playground.fake_slack import FakeSlack, FakeSlackServer
from tests.support.bot_server import BotServer
from tests.support.slack_user import SlackUser

SECRET = "test-signing-secret-0123456789abcdef"
TOKEN = "xoxb-test-token"
PEOPLE = ["U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2", "U0ARCH1", "U0MGR1", "U1", "U2", "USTRANGER"]
CHANNELS = [
    {"id": "C0INCIDENTS", "name": "incidents"},
    {"id": "C0OPS", "name": "ops"},
    {"id": "C0REPORTS", "name": "reports"},
    {"id": "C0ALERTS", "name": "alerts"},
]


@pytest.fixture(scope="session")
def slack_server() -> Iterator[FakeSlackServer]:
    fake = FakeSlack(users=[{"id": u, "name": u.lower()} for u in PEOPLE], channels=CHANNELS)
    with FakeSlackServer(fake) as server:
        yield server


@pytest.fixture
def slack(slack_server: FakeSlackServer) -> Iterator[FakeSlack]:
    """The fake Slack, emptied for each test; every message we sent must be valid Block Kit."""
    slack_server.fake.reset()
    yield slack_server.fake
    invalid = slack_server.fake.invalid_calls()
    assert not invalid, f"Slack would reject: {[(c.method, c.error) for c in invalid]}"


@pytest.fixture
def settings(database_url: str, slack_server: FakeSlackServer) -> Settings:
    return Settings(
        bot_token=TOKEN,
        signing_secret=SECRET,
        api_url=slack_server.api_url,
        database_url=database_url,
    )


# Wednesday 4 November 2026, 10:00 in New York: business hours, in the seed plan's first
# fortnight after launch (everyone on levels 1 and 2 is paged). Tests that need another
# moment pass their own start to bot_clock via the `moment` marker or move it forward.
WEDNESDAY_MORNING = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def bot_clock(request: pytest.FixtureRequest) -> TravelClock:
    marker = request.node.get_closest_marker("moment")
    return TravelClock(marker.args[0] if marker else WEDNESDAY_MORNING)


@pytest.fixture
def bot(
    settings: Settings, plan: Plan, slack: FakeSlack, bot_clock: TravelClock
) -> Iterator[BotServer]:
    with BotServer(settings, plan, bot_clock, schedule=False) as server:
        yield server


class CheckedClient(httpx.Client):
    """Checks every answer Slack would render (an ack with blocks) against Block Kit limits."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        response = super().send(request, **kwargs)
        if response.headers.get("content-type", "").startswith("application/json"):
            body = response.json()
            if isinstance(body, dict) and "blocks" in body:
                problems = validate_message(body.get("text"), body["blocks"])
                assert not problems, problems
        return response


@pytest.fixture
def http(bot: BotServer) -> Iterator[httpx.Client]:
    with CheckedClient(base_url=bot.url, timeout=10) as client:
        yield client


@pytest.fixture
def person(http: httpx.Client, slack_server: FakeSlackServer):
    def make(user_id: str) -> SlackUser:
        return SlackUser(http, slack_server, SECRET, user_id)

    return make


@pytest.fixture
def reporter(person) -> SlackUser:
    return person("U1")


@pytest.fixture
def responder(person) -> SlackUser:
    return person("U0SUP1")


@pytest.fixture
def statements(bot: BotServer) -> Iterator[Counter[str]]:
    """Statements the bot sends, by their first two words (INSERT INTO, UPDATE outbox…)."""
    counted: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        words = statement.split()
        name = " ".join(words[:3] if words[0] == "INSERT" else words[:2])
        if name == "WITH due":
            name = "UPDATE outbox"  # the claim: its due messages, then the UPDATE
        if name == "UPDATE outbox":
            # The worker's claim (it counts attempts) apart from its record of how
            # deliveries ended: how many passes it made varies with timing.
            name += " (claim)" if "attempts" in statement else " (ended)"
        counted[name] += 1

    engine = bot.services.engine.sync_engine
    sa.event.listen(engine, "before_cursor_execute", count)
    yield counted
    sa.event.remove(engine, "before_cursor_execute", count)
