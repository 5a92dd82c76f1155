"""What a pass of the outbox worker writes for many incidents at once: a statement per table,
not one per incident (issue 15)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.incidents import Declaration
from bot.services import Services, build_services
from playground.fake_slack import FakeSlack, FakeSlackServer
from tests.support.sent_sql import statements

# Wednesday 4 November 2026, 10:00 New York, in the launch fortnight: a Tier 1 incident gets
# its own channel and pages levels 1 and 2 at once.
MORNING = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)
PEOPLE = ["U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2", "U0ARCH1", "U0MGR1"]
INCIDENTS = 3


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
def slack_api() -> Iterator[str]:
    fake = FakeSlack(
        users=[{"id": u, "name": u.lower()} for u in PEOPLE],
        channels=[{"id": "C0INCIDENTS", "name": "incidents"}],
    )
    with FakeSlackServer(fake) as server:
        yield server.api_url


@pytest.fixture
async def services(
    database_url: str, plan: Plan, clock: FixedClock, slack_api: str
) -> AsyncIterator[Services]:
    settings = Settings(database_url=database_url, bot_token="xoxb-test", api_url=slack_api)
    built = build_services(settings, plan, clock)
    await built.gateway.start()
    yield built
    await built.close()


async def test_one_pass_records_the_channels_of_many_incidents_with_one_insert(services, db):
    for n in range(INCIDENTS):
        declared = await services.incidents.declare(
            Declaration(text=f"checkout is broken for everyone ({n})", reporter="U0SUP1")
        )
        assert declared.incident.tier == 1
    # One pass: every post, channel and page DM claimed, delivered, and recorded together.
    with statements(services.engine) as sent:
        assert await services.worker.deliver_due() >= 3 * INCIDENTS
    with db.connect() as conn:
        made = conn.scalar(
            sa.text("SELECT count(*) FROM incident_events WHERE kind = 'channel_created'")
        )
    assert made == INCIDENTS
    entries = [s for s in sent if s.lstrip().startswith("INSERT INTO incident_events")]
    assert len(entries) == 1, "\n".join(sent)
    # What waits on the incidents' keys (their posts' edits) is asked once for them all.
    asked = [s for s in sent if s.lstrip().startswith("SELECT outbox.")]
    assert len(asked) <= 1, "\n".join(sent)
