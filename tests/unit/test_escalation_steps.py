"""Escalation steps against real databases: scheduled with the deadlines, moved with the tier,
run once however often the watcher passes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.incidents import Declaration
from bot.services import Services, build_services

# Wednesday 18 November 2026, 10:00 New York: the rotation (U0SUP1, U0DEV1 on call).
MORNING = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
async def services(database_url: str, plan: Plan, clock: FixedClock) -> AsyncIterator[Services]:
    built = build_services(Settings(database_url=database_url), plan, clock)
    yield built
    await built.close()


def pending_kinds(db: sa.Engine) -> dict[str, int]:
    with db.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT kind, count(*) FROM escalation_steps WHERE status = 'pending' GROUP BY kind"
            )
        ).all()
    return dict(rows)


async def test_declaring_schedules_repages_hand_over_and_deadlines(services, db):
    await services.incidents.declare(Declaration(text="emails not sending", reporter="U1"))
    assert pending_kinds(db) == {
        "repage": 2,
        "handover": 1,
        "sla_ack": 1,
        "sla_resolve": 1,
        "level1_rule": 1,
    }


async def test_a_tier_change_moves_the_deadline_steps(services, clock, db):
    number = (
        await services.incidents.declare(Declaration(text="the widget feels off", reporter="U1"))
    ).incident.id
    clock.at += timedelta(minutes=1)
    await services.incidents.change_tier(number, 1, by="U0SUP1")
    with db.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT kind, status FROM escalation_steps WHERE kind = 'sla_ack'")
        ).all()
    assert sorted(r.status for r in rows) == ["cancelled", "pending"]
    assert pending_kinds(db)["notify_half"] == 1  # Tier 1 tells management at half time


async def test_a_breach_is_escalated_and_recorded_once(services, clock, db):
    number = (
        await services.incidents.declare(Declaration(text="emails not sending", reporter="U1"))
    ).incident.id
    clock.at += timedelta(hours=1, minutes=1)
    first = await services.escalation.run_due()
    again = await services.escalation.run_due()
    assert first.done == 4 and first.failed == 0  # two re-pages, the hand-over, the deadline
    assert again.due == 0
    detail = await services.incidents.get(number)
    assert [e.text for e in detail.events if e.kind == "breach"] == [
        "acknowledgement target missed"
    ]
    assert detail.incident.ack_breached_at == detail.incident.ack_due_at
    assert detail.incident.level == 2


async def test_steps_for_an_acknowledged_incident_are_skipped_not_run(services, clock, db):
    number = (
        await services.incidents.declare(Declaration(text="emails not sending", reporter="U1"))
    ).incident.id
    await services.incidents.acknowledge(number, by="U0SUP1")
    clock.at += timedelta(minutes=45)  # Tier 2: re-pages at 15 and 30 min, hand-over at 45
    done = await services.escalation.run_due()
    assert done.done == 3
    with db.connect() as conn:
        statuses = conn.execute(
            sa.text("SELECT status, count(*) FROM escalation_steps GROUP BY status")
        ).all()
        pages = conn.scalar(sa.text("SELECT count(*) FROM pages"))
    assert dict(statuses)["skipped"] == 3 and pages == 1


async def test_reopening_watches_the_new_resolution_deadline(services, clock, db):
    number = (
        await services.incidents.declare(Declaration(text="emails not sending", reporter="U1"))
    ).incident.id
    await services.incidents.acknowledge(number, by="U0SUP1")
    await services.incidents.resolve(number, by="U0SUP1", summary="fixed")
    clock.at += timedelta(hours=10)
    await services.incidents.reopen(number, by="U1")
    with db.connect() as conn:
        due = conn.scalar(
            sa.text(
                "SELECT due_at FROM escalation_steps WHERE kind = 'sla_resolve' "
                "AND status = 'pending'"
            )
        )
    assert due is not None
    clock.at += timedelta(hours=4, minutes=1)
    await services.escalation.run_due()
    detail = await services.incidents.get(number)
    assert detail.incident.resolve_breached_at is not None
    assert [e.text for e in detail.events if e.kind == "breach"] == ["resolution target missed"]


def outcomes(db: sa.Engine) -> dict[str, tuple[str, str]]:
    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT kind, status, outcome FROM escalation_steps")).all()
    return {row.kind: (row.status, row.outcome) for row in rows if row.status != "pending"}


async def test_a_hand_over_with_nobody_left_to_page_says_so(database_url, clock, db):
    plan = Plan.model_validate(
        {
            "escalation": [
                {"level": 1, "name": "Support", "members": ["U0SUP1"]},
                {"level": 2, "name": "Not staffed yet"},
            ]
        }
    )
    built = build_services(Settings(database_url=database_url), plan, clock)
    try:
        await built.incidents.declare(Declaration(text="x", reporter="U1", tier=2))
        clock.at += timedelta(minutes=46)  # Tier 2 hands over after 3 tries 15 min apart
        assert (await built.escalation.run_due()).failed == 0
    finally:
        await built.close()
    assert outcomes(db)["handover"] == ("done", "nobody left to page")
    with db.connect() as conn:
        said = conn.scalars(sa.text("SELECT outcome FROM escalation_steps")).all()
    assert not [text for text in said if text and "None" in text]


async def test_a_step_that_no_longer_applies_is_skipped_with_why(services, clock, db):
    number = (
        await services.incidents.declare(Declaration(text="emails not sending", reporter="U1"))
    ).incident.id
    await services.incidents.acknowledge(number, by="U0SUP1")
    clock.at += timedelta(hours=1, minutes=1)
    await services.escalation.run_due()
    done = outcomes(db)
    assert done["sla_ack"] == ("skipped", "acknowledged in time")
    assert done["handover"] == ("skipped", "no longer needed")
