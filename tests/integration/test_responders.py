"""Who may act on an incident (SPEC §4, §10): the people on call now for a level it pages, the
people paged for it, the reporter and admins; acknowledging alone is no key to it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.slack import Action
from tests.integration.conftest import PEOPLE
from tests.integration.flows import declare, eventually, page_counts, pages_to, settled
from tests.integration.test_paging import FIRST_WEEK_EVENING, ROTATION_MORNING, watch

# Wednesday 18 November 2026, 18:30 in New York: week 3, after hours. Wednesday's rotation
# (U0SUP1 on level 1, U0DEV1 on level 2) holds until Thursday's 09:00 handoff.
ROTATION_EVENING = datetime(2026, 11, 18, 23, 30, tzinfo=UTC)
TIER_3 = "the wishlist button does nothing on the product page"


def answers(slack, user: str) -> list[str]:
    """Every answer a person got on response_url so far."""
    return [
        c.args.get("text", "")
        for c in slack.calls_to("response_url")
        if c.args.get("hook_user") == user
    ]


def answer(slack, user: str, containing: str) -> str:
    """Wait for the answer to a person that contains a text."""
    found = slack.wait_for(
        "response_url",
        where=lambda c: c.args.get("hook_user") == user and containing in c.args.get("text", ""),
    )
    return str(found[-1].args["text"])


def opens_resolve_form(slack, who, ref: str = "INC-1") -> bool:
    """Ask to resolve; True when the form opened, False when the person was refused."""
    before = len(slack.calls_to("views.open"))
    refusals = sum("Only " in t for t in answers(slack, who.id))
    who.command(f"resolve {ref} fixed it")
    outcome = eventually(
        lambda: (
            "opened"
            if len(slack.calls_to("views.open")) > before
            else "refused"
            if sum("Only " in t for t in answers(slack, who.id)) > refusals
            else None
        )
    )
    return bool(outcome == "opened")


def incident_row(db: sa.Engine) -> dict:
    with db.connect() as conn:
        row = conn.execute(
            sa.text("SELECT status, acknowledged_by, tier, resolved_at FROM incidents")
        ).one()
    return dict(row._mapping)


def mentioned(text: str) -> set[str]:
    return set(re.findall(r"<@([A-Z0-9]+)>", text))


@pytest.mark.moment(ROTATION_MORNING)
def test_a_strangers_ack_is_refused_and_the_pages_go_on(
    slack, reporter, person, bot, bot_clock, db
):
    declare(reporter, slack, "emails not sending")  # Tier 2: level 1, U0SUP1 on the rotation
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 1}
    stranger = person("USTRANGER")
    stranger.command("ack INC-1")
    refusal = answer(slack, "USTRANGER", "Only ")
    assert "can acknowledge *INC-1*" in refusal and "<@U0SUP1>" in refusal
    # A page DM's button, sent as if from someone else's DM: by a stranger, and by a level-1
    # member whom the rotation does not have on call and who was not paged.
    stranger.click(pages_to(slack, "U0SUP1")[0], Action.PAGE_ACKNOWLEDGE)
    person("U0SUP2").click(pages_to(slack, "U0SUP1")[0], Action.PAGE_ACKNOWLEDGE)
    answer(slack, "U0SUP2", "Only ")
    eventually(lambda: sum("Only " in t for t in answers(slack, "USTRANGER")) == 2)
    assert incident_row(db)["acknowledged_by"] is None
    assert incident_row(db)["status"] == "open"
    # Tier 2 re-pages every 15 minutes (the seed's per-tier cadence).
    watch(bot, db, bot_clock, timedelta(minutes=15, seconds=5))
    assert page_counts(slack, PEOPLE) == {"U0SUP1": 2}  # the re-page still goes out


@pytest.mark.moment(ROTATION_MORNING)
def test_an_acknowledgement_alone_grants_no_resolve_or_retier(slack, reporter, person, db):
    declare(reporter, slack, "site down for everyone")  # Tier 1
    eventually(lambda: settled(db))
    # However it came about (an acknowledgement recorded before this rule), the acknowledger
    # is nobody who may act on the incident.
    with db.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE incidents SET status = 'acknowledged', acknowledged_by = 'USTRANGER',"
                " acknowledged_at = created_at"
            )
        )
    stranger = person("USTRANGER")
    assert not opens_resolve_form(slack, stranger)
    stranger.command("tier INC-1 4")
    eventually(lambda: sum("Only " in t for t in answers(slack, "USTRANGER")) == 2)
    assert "can change the tier of *INC-1*" in answers(slack, "USTRANGER")[-1]
    assert incident_row(db)["tier"] == 1


@pytest.mark.moment(FIRST_WEEK_EVENING)
def test_in_the_first_weeks_a_developer_resolves_a_deferred_tier_three(slack, reporter, person, db):
    declare(reporter, slack, TIER_3)
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {}  # the pages wait for the morning
    developer = person("U0DEV1")
    assert opens_resolve_form(slack, developer)
    view = slack.calls_to("views.open")[-1].response["view"]
    assert developer.submit(view, {"summary": "button handler fixed"}).status_code == 200
    eventually(lambda: incident_row(db)["status"] == "resolved")


@pytest.mark.moment(ROTATION_EVENING)
def test_in_the_rotation_weeks_the_days_person_may_act_and_the_others_may_not(
    slack, reporter, person, db
):
    declare(reporter, slack, TIER_3)
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {}
    assert not opens_resolve_form(slack, person("U0SUP2"))  # level 1, off the rotation today
    assert not opens_resolve_form(slack, person("U0DEV1"))  # on call, for a level not paged
    refusal = answers(slack, "U0SUP2")[-1]
    assert refusal.startswith(
        ":no_entry: Only the people on call for level 1 — <@U0SUP1> — the reporter <@U1>,"
        " or an admin can resolve *INC-1*."
    )
    assert opens_resolve_form(slack, person("U0SUP1"))
    assert incident_row(db)["resolved_at"] is None


@pytest.mark.moment(ROTATION_EVENING)
def test_a_cover_may_act_for_the_covered_window_and_not_after(
    slack, reporter, person, bot_clock, db
):
    declare(reporter, slack, TIER_3)
    eventually(lambda: settled(db))
    sam, cover = person("U0SUP1"), person("U2")
    assert not opens_resolve_form(slack, cover)
    sam.command("cover <@U2|two> 1 1h", command="/oncall")
    answer(slack, "U0SUP1", "covers level 1")
    assert opens_resolve_form(slack, cover)
    assert not opens_resolve_form(slack, sam)  # handed over: not on call until it ends
    assert "<@U2>" in answers(slack, "U0SUP1")[-1]
    bot_clock.advance(timedelta(hours=1, minutes=1))
    assert not opens_resolve_form(slack, cover)
    assert opens_resolve_form(slack, sam)


@pytest.mark.parametrize(
    "levels_for_level_1",
    [
        pytest.param((1,), marks=pytest.mark.moment(ROTATION_EVENING), id="rotation"),
        # Weeks 1-2: a page for level 1 reaches the development team too.
        pytest.param((1, 2), marks=pytest.mark.moment(FIRST_WEEK_EVENING), id="first-weeks"),
    ],
)
def test_oncall_shows_the_people_a_refusal_names(slack, reporter, person, db, levels_for_level_1):
    declare(reporter, slack, TIER_3)  # pages level 1
    eventually(lambda: settled(db))
    person("USTRANGER").command("", command="/oncall")
    shown = slack.wait_for("response_url", where=lambda c: "On call now" in c.args.get("text", ""))[
        -1
    ].args["blocks"]
    texts = "\n".join(b["text"]["text"] for b in shown if b["type"] == "section")
    lines = {
        int(number): mentioned(line)
        for number, line in re.findall(r"^\*(\d) · [^*]+\*: (.*)$", texts, re.MULTILINE)
    }
    assert set(lines) == {1, 2, 3, 4}
    on_call = set().union(*(lines[n] for n in levels_for_level_1))
    person("USTRANGER").command("tier INC-1 2")
    refusal = answer(slack, "USTRANGER", "Only ")
    named = refusal.split(" — the reporter")[0]
    assert mentioned(named) == on_call
    if len(levels_for_level_1) > 1:
        assert "pages also reach level 2" in texts
