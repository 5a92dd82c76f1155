"""The policy snapshot an incident keeps: stored in the shape earlier releases wrote, and
snapshots those releases wrote still load and drive the incident."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Policy, Settings
from bot.config.plan import TierPaging
from bot.incidents import Declaration
from bot.services import Services, build_services
from tests.support.snapshots import BEFORE_PAGING, BEFORE_TIER_CADENCE, CURRENT

SINCE = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def test_the_seed_plan_is_stored_exactly_as_before():
    assert Policy.of(Plan()).to_json() == CURRENT


def test_a_stored_snapshot_round_trips_unchanged():
    assert Policy.model_validate(CURRENT).to_json() == CURRENT
    assert Policy.model_validate(BEFORE_TIER_CADENCE).to_json() == BEFORE_TIER_CADENCE


def test_a_snapshot_from_before_tier_cadence_keeps_the_paging_it_was_declared_under():
    policy = Policy.model_validate(BEFORE_TIER_CADENCE)
    assert policy.cadence(2, 1) == (timedelta(minutes=5), 3)
    assert policy.tier_paging(4).dms and policy.tier_paging(4).dm_hours == "business"
    assert not policy.tier_paging(3).one_person
    today = Policy.model_validate(CURRENT)
    assert [today.cadence(t, 1) for t in (1, 2, 3)] == [
        (timedelta(minutes=5), 3),
        (timedelta(minutes=15), 3),
        (timedelta(hours=1), 3),
    ]
    assert today.timeout(3, 1) == timedelta(hours=3)
    assert not today.tier_paging(4).dms and today.tier_paging(3).one_person


def test_a_current_snapshot_answers_every_lookup():
    policy = Policy.model_validate(CURRENT)
    assert policy.tier_numbers == [1, 2, 3, 4]
    assert policy.tier_name(1) == "Critical"
    assert policy.targets(1, SINCE).ack_due_at == SINCE + timedelta(minutes=15)
    assert policy.targets(4, SINCE).resolve_due_at is None
    assert policy.tier_paging(1) == TierPaging(
        page=[1, 2], notify_at_half_resolve=4, repage_every=timedelta(minutes=5), tries=3
    )
    assert policy.tier_paging(3).dm_hours == "business"
    assert policy.max_level == 4
    assert policy.level(2).name == "Development Team"
    assert policy.level(1).timeout == timedelta(minutes=15)
    assert policy.responders(2) == {"U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2"}
    assert policy.level1_unresolved_after == timedelta(hours=2)
    assert policy.security_page("security") == 3
    assert policy.security_page("general") is None


def test_a_snapshot_from_before_paging_loads_with_the_rules_it_never_had_off():
    policy = Policy.model_validate(BEFORE_PAGING)
    assert policy.tier_numbers == [1, 2]
    assert policy.targets(2, SINCE).resolve_due_at is None
    # A tier without its own paging pages level 1 at any hour, as it did then.
    assert policy.tier_paging(1) == TierPaging(page=[1], dm_hours="always")
    assert policy.tier_paging(2) == TierPaging()
    # Re-pages came later: a level of that time repeats its page as the config does by default.
    assert policy.level(1).repage_every == timedelta(minutes=5)
    assert policy.level(1).tries == 3
    assert policy.level1_unresolved_after is None
    assert policy.security_page("security") is None
    assert policy.max_level == 2


@pytest.fixture
async def services(database_url: str, clock: FixedClock) -> AsyncIterator[Services]:
    built = build_services(Settings(database_url=database_url), Plan(), clock)
    yield built
    await built.close()


def store_policy(db: sa.Engine, incident_id: int, snapshot: dict[str, object]) -> None:
    """Write a snapshot verbatim, as an earlier release left it in the database."""
    incidents = sa.table("incidents", sa.column("id", sa.Integer), sa.column("policy", sa.JSON))
    with db.begin() as conn:
        conn.execute(
            incidents.update().where(incidents.c.id == incident_id).values(policy=snapshot)
        )


async def test_an_incident_under_a_snapshot_from_before_paging_still_works(services, clock, db):
    number = (
        await services.incidents.declare(Declaration(text="x", reporter="U1", tier=2))
    ).incident.id
    store_policy(db, number, BEFORE_PAGING)
    view = (await services.incidents.get(number)).incident
    assert (view.tier_name, view.tiers, view.max_level) == ("Sev2", (1, 2), 2)
    assert view.level_name == "Support"

    clock.at += timedelta(minutes=1)
    moved = await services.incidents.change_tier(number, 1, by="U0MGR1")
    assert moved.ack_due_at == moved.created_at + timedelta(minutes=10)
    assert moved.resolve_due_at == moved.created_at + timedelta(hours=1)
    with db.connect() as conn:
        pending = conn.scalars(
            sa.text(
                "SELECT kind FROM escalation_steps WHERE status = 'pending' "
                "AND kind IN ('sla_ack', 'sla_resolve', 'level1_rule', 'notify_half')"
            )
        ).all()
    # That snapshot has no two-hour rule and no half-time notice.
    assert sorted(pending) == ["sla_ack", "sla_resolve"]

    escalated = await services.incidents.escalate(number, by="U1")
    assert (escalated.level, escalated.level_name) == (2, "Developers")
    assert "U0DEV1" in {p.user for p in escalated.paged}


async def test_an_incident_under_todays_snapshot_reads_it_not_the_config(database_url, clock, db):
    first = build_services(Settings(database_url=database_url), Plan(), clock)
    number = (
        await first.incidents.declare(Declaration(text="x", reporter="U1", tier=2))
    ).incident.id
    await first.close()
    store_policy(db, number, CURRENT)
    trimmed = Plan.model_validate(
        {"escalation": [{"level": 1, "name": "Only level", "members": ["U0SUP1"]}]}
    )
    second = build_services(Settings(database_url=database_url), trimmed, clock)
    try:
        escalated = await second.incidents.escalate(number, by="U1")
        assert (escalated.level, escalated.level_name, escalated.max_level) == (
            2,
            "Development Team",
            4,
        )
    finally:
        await second.close()
