"""What a wave of SLA breaches costs the database: the watcher writes a chunk of steps together,
so the SQL statements it sends grow with the chunks, not a score of statements per incident."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from math import ceil

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.incidents import Declaration
from bot.paging.escalation import CHUNK
from bot.services import Services, build_services
from tests.support.sent_sql import statements

# Wednesday 4 November 2026, 10:00 New York, in the launch fortnight: a Tier 1 incident pages
# levels 1 and 2 at once, and level 3 when its acknowledgement deadline passes.
MORNING = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)
WAVE = 50
# Statements a chunk costs whatever its size: BEGIN, the incidents, their pages, the steps, what
# waits in the outbox, the on-call covers (and the first incident's changes, flushed by that
# read), the steps' and incidents' updates, the new steps, the outbox messages.
PER_CHUNK = 16
# SQLite returns no ids for a many-row INSERT in order, so the rows the chunk needs the id of
# (each incident's page and its two timeline entries) are inserted one statement each there.
PER_INCIDENT = {"sqlite": 3, "postgresql": 0}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
async def services(database_url: str, plan: Plan, clock: FixedClock) -> AsyncIterator[Services]:
    built = build_services(Settings(database_url=database_url), plan, clock)
    yield built
    await built.close()


async def test_a_wave_of_breaches_costs_statements_per_chunk_not_per_incident(services, clock, db):
    for n in range(WAVE):
        await services.incidents.declare(
            Declaration(text=f"checkout is broken for everyone ({n})", reporter="U0SUP1")
        )
    # Levels 1 and 2 re-paged at 15:05 and 15:10; at 15:15 every acknowledgement target passes.
    for minutes in (5, 10):
        clock.at = MORNING + timedelta(minutes=minutes)
        await services.escalation.run_due()
    clock.at = MORNING + Plan().tiers[1].respond + timedelta(seconds=1)

    with statements(services.engine) as sent:
        wave = await services.escalation.run_due()

    # Each incident: its deadline (breached, level 3 paged) and level 1's hand-over (not needed).
    assert (wave.due, wave.done, wave.failed) == (2 * WAVE, 2 * WAVE, 0)
    with db.connect() as conn:
        breached, paged = conn.execute(
            sa.text(
                "SELECT count(DISTINCT i.id), count(p.id) FROM incidents i"
                " JOIN pages p ON p.incident_id = i.id AND p.level = 3"
                " WHERE i.ack_breached_at IS NOT NULL AND i.level = 3"
            )
        ).one()
    assert (breached, paged) == (WAVE, WAVE)
    chunks = ceil(wave.due / CHUNK)
    dialect = services.engine.dialect.name
    # Before issue 15: 22 statements an incident, 1,120 for this wave.
    assert len(sent) <= 4 + PER_CHUNK * chunks + PER_INCIDENT[dialect] * WAVE, "\n".join(sent)
