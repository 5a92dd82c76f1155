"""The incident service against real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.errors import BadInput, IncidentNotFound, InvalidTransition, NotAllowed
from bot.incidents import Declaration
from bot.services import Services, build_services


@pytest.fixture
async def services(database_url: str, plan: Plan, clock: FixedClock) -> AsyncIterator[Services]:
    built = build_services(Settings(database_url=database_url), plan, clock)
    yield built
    await built.close()


def outbox_kinds(db: sa.Engine) -> list[str]:
    with db.connect() as conn:
        return [row[0] for row in conn.execute(sa.text("SELECT kind FROM outbox ORDER BY id"))]


async def test_declare_suggests_tier_and_sets_targets_from_the_plan(services, clock, db):
    declared = await services.incidents.declare(
        Declaration(text="checkout is broken for everyone", reporter="U1")
    )
    incident = declared.incident
    assert (incident.tier, incident.category, incident.suggested) == (1, "checkout", True)
    assert incident.matched_phrase and "everyone" in incident.matched_phrase
    assert incident.ack_due_at == clock.now() + timedelta(minutes=15)
    assert incident.resolve_due_at == clock.now() + timedelta(hours=2)
    # Tier 1 pages levels 1 and 2 at once (Friday 27 November: one person each on rotation).
    assert incident.level == 2 and incident.level_name == "Development Team"
    assert [(p.user, p.level) for p in incident.paged] == [("U0SUP2", 1), ("U0DEV2", 2)]
    # The post, the pages and a dedicated channel, queued with the incident itself.
    kinds = outbox_kinds(db)
    assert kinds[0] == "incident.post" and kinds[-1] == "incident.channel"
    assert kinds.count("page.send") == 2 and "incident.update" not in kinds


async def test_text_matching_nothing_is_tier_three_and_says_so(services, db):
    incident = (
        await services.incidents.declare(
            Declaration(text="the frobnicator did a thing", reporter="U1")
        )
    ).incident
    assert (incident.tier, incident.category, incident.matched_phrase) == (3, "general", None)
    assert incident.resolve_due_at is not None
    assert outbox_kinds(db) == ["incident.post", "page.send", "incident.timeline"]


async def test_tier_four_resolves_by_next_release(services):
    incident = (
        await services.incidents.declare(
            Declaration(text="feature request: dark mode", reporter="U1")
        )
    ).incident
    assert incident.tier == 4 and incident.resolve_due_at is None


async def test_same_source_key_declares_once(services, db):
    request = Declaration(text="site down", reporter="U1", source_key="command:T1")
    first = await services.incidents.declare(request)
    again = await services.incidents.declare(request)
    assert again.duplicate and again.incident.id == first.incident.id
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM incidents")) == 1


async def test_empty_text_is_refused(services):
    with pytest.raises(BadInput):
        await services.incidents.declare(Declaration(text="   ", reporter="U1"))


async def test_explicit_tier_outside_the_plan_is_refused(services, db):
    with pytest.raises(BadInput):
        await services.incidents.declare(Declaration(text="x", reporter="U1", tier=9))
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM incidents")) == 0


async def test_lifecycle_records_timeline_and_queues_updates(services, clock, db):
    incidents = services.incidents
    number = (
        await incidents.declare(Declaration(text="emails not sending", reporter="U1"))
    ).incident.id
    clock.at += timedelta(minutes=5)
    # Friday 27 November: the rotation has U0SUP2 on level 1, and paged.
    acked = await incidents.acknowledge(number, by="U0SUP2")
    assert acked.status == "acknowledged" and acked.acknowledged_by == "U0SUP2"
    escalated = await incidents.escalate(number, by="U0SUP2")
    assert escalated.level == 2 and escalated.level_name == "Development Team"
    retiered = await incidents.change_tier(number, 3, by="U1")
    assert retiered.tier == 3 and not retiered.suggested
    assert retiered.ack_due_at == retiered.created_at + timedelta(hours=4)
    await incidents.add_update(number, "restarted the mail worker", by="U0SUP2")
    resolved = await incidents.resolve(
        number,
        by="U0SUP2",
        summary="worker restarted",
        root_cause="OOM",
        lessons="alert on queue depth",
    )
    assert resolved.status == "resolved" and resolved.lessons == "alert on queue depth"
    reopened = await incidents.reopen(number, by="U1")
    assert reopened.status == "acknowledged" and reopened.resolved_at is None
    detail = await incidents.get(number)
    assert [e.kind for e in detail.events] == [
        "declared",
        "paged",
        "acknowledged",
        "escalated",
        "paged",
        "tier_changed",
        "update",
        "resolved",
        "reopened",
    ]
    kinds = outbox_kinds(db)
    assert kinds.count("incident.timeline") == 8
    assert kinds.count("incident.rating_dm") == 1


async def test_double_acknowledge_is_refused_and_changes_nothing(services, db):
    number = (await services.incidents.declare(Declaration(text="x", reporter="U1"))).incident.id
    await services.incidents.acknowledge(number, by="U0SUP2")
    before = outbox_kinds(db)
    with pytest.raises(InvalidTransition) as refused:
        await services.incidents.acknowledge(number, by="U0MGR1")
    assert refused.value.params["who"] == "U0SUP2"
    assert outbox_kinds(db) == before


@pytest.mark.parametrize("verb", ["resolve", "tier", "reopen", "escalate", "acknowledge"])
async def test_strangers_may_not_act_on_an_incident(services, verb, db):
    incidents = services.incidents
    number = (await incidents.declare(Declaration(text="x", reporter="U1"))).incident.id
    if verb == "reopen":
        await incidents.resolve(number, by="U1", summary="done")
    before = outbox_kinds(db)
    with pytest.raises(NotAllowed):
        if verb == "resolve":
            await incidents.resolve(number, by="USTRANGER", summary="nope")
        elif verb == "tier":
            await incidents.change_tier(number, 1, by="USTRANGER")
        elif verb == "escalate":
            await incidents.escalate(number, by="USTRANGER")
        elif verb == "acknowledge":
            await incidents.acknowledge(number, by="USTRANGER")
        else:
            await incidents.reopen(number, by="USTRANGER")
    assert outbox_kinds(db) == before


async def test_paged_responders_and_admins_may_resolve(services):
    incidents = services.incidents
    first = (await incidents.declare(Declaration(text="x", reporter="U1"))).incident.id
    await incidents.resolve(first, by="U0SUP2", summary="level-1 responder")
    second = (await incidents.declare(Declaration(text="y", reporter="U1"))).incident.id
    await incidents.resolve(second, by="U0MGR1", summary="admin")
    third = (await incidents.declare(Declaration(text="z", reporter="U1"))).incident.id
    with pytest.raises(NotAllowed):
        await incidents.resolve(third, by="U0DEV2", summary="level 2 not paged yet")
    await incidents.escalate(third, by="U1")
    # Only the rotation's person on level 2 was paged: the other developer is not one of its
    # responders for being a member of the level.
    with pytest.raises(NotAllowed):
        await incidents.resolve(third, by="U0DEV1", summary="off the rotation")
    await incidents.resolve(third, by="U0DEV2", summary="paged after escalation")


async def test_unknown_incident_and_resolved_incident(services):
    with pytest.raises(IncidentNotFound):
        await services.incidents.acknowledge(999, by="U1")
    number = (await services.incidents.declare(Declaration(text="x", reporter="U1"))).incident.id
    await services.incidents.resolve(number, by="U1", summary="done")
    with pytest.raises(InvalidTransition):
        await services.incidents.resolve(number, by="U1", summary="again")
    with pytest.raises(InvalidTransition):
        await services.incidents.escalate(number, by="U1")


async def test_escalation_stops_at_the_top_level(services):
    number = (await services.incidents.declare(Declaration(text="x", reporter="U1"))).incident.id
    for _ in range(3):
        await services.incidents.escalate(number, by="U1")
    with pytest.raises(InvalidTransition):
        await services.incidents.escalate(number, by="U1")


async def test_rating_once_by_the_reporter_only(services):
    number = (await services.incidents.declare(Declaration(text="x", reporter="U1"))).incident.id
    await services.incidents.resolve(number, by="U1", summary="done")
    with pytest.raises(NotAllowed):
        await services.incidents.rate(number, 5, by="U2")
    with pytest.raises(BadInput):
        await services.incidents.rate(number, 6, by="U1")
    assert (await services.incidents.rate(number, 4, by="U1")).rating == 4
    with pytest.raises(InvalidTransition):
        await services.incidents.rate(number, 5, by="U1")


async def test_policy_snapshot_survives_config_changes(database_url, clock, db):
    first = build_services(Settings(database_url=database_url), Plan(), clock)
    number = (
        await first.incidents.declare(Declaration(text="site down", reporter="U1"))
    ).incident.id
    await first.close()
    changed = Plan.model_validate(
        {
            "tiers": {
                1: {"name": "Sev1", "respond": "5m", "resolve": "1h"},
                2: {"name": "Sev2", "respond": "1h", "resolve": "4h"},
                3: {"name": "Sev3", "respond": "4h", "resolve": "24h"},
                4: {"name": "Sev4", "respond": "24h"},
            }
        }
    )
    second = build_services(Settings(database_url=database_url), changed, clock)
    view = (await second.incidents.get(number)).incident
    assert view.tier_name == "Critical"
    assert view.ack_due_at == view.created_at + timedelta(minutes=15)
    await second.close()


async def test_list_open_is_most_severe_first(services):
    for text in ("typo in footer", "site down", "emails not sending"):
        await services.incidents.declare(Declaration(text=text, reporter="U1"))
    assert [i.tier for i in await services.incidents.list_open()] == [1, 2, 4]


async def test_the_list_counts_every_open_incident_beyond_the_ones_it_shows(services):
    numbers = [
        (await services.incidents.declare(Declaration(text=f"typo {n}", reporter="U1"))).incident.id
        for n in range(24)
    ]
    await services.incidents.resolve(numbers[0], by="U1", summary="fixed")
    shown = await services.incidents.list_open()
    total = await services.incidents.count_open()
    assert (len(shown), total) == (20, 23)
    message = services.render.message("incident_list.j2", incidents=shown, total=total)
    assert message.text == "23 open incident(s)"
    assert "Showing 20 of 23 open" in str(message.blocks)


async def test_a_short_list_says_nothing_about_more(services):
    await services.incidents.declare(Declaration(text="typo in footer", reporter="U1"))
    shown = await services.incidents.list_open()
    message = services.render.message(
        "incident_list.j2", incidents=shown, total=await services.incidents.count_open()
    )
    assert message.text == "1 open incident(s)" and "Showing" not in str(message.blocks)
