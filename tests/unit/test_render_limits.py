"""Every template, fed extreme input, renders Block Kit that Slack would accept."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Plan, Policy
from bot.errors import BadInput, IncidentNotFound, InvalidTransition, NotAllowed
from bot.incidents import TITLE_LIMIT
from bot.oncall.calendar import PHASE_TITLES, Phase
from bot.oncall.service import CoverView, LevelOnCall, Roster
from bot.paging.messages import PageView
from bot.slack import Renderer
from bot.store import Incident, IncidentStatus, PageStatus
from bot.timeline.views import EventView, IncidentDetail, IncidentView, PagedPerson
from playground.blockkit import validate_message, validate_view

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
HUGE = "<!channel> & " + "word " * 20_000


def view(**changes) -> IncidentView:
    plan = Plan()
    incident = Incident(
        id=123456,
        title="t" * 300,
        description=HUGE,
        tier=1,
        category="c" * 40,
        suggested=True,
        matched_phrase="p" * 200,
        status=IncidentStatus.OPEN,
        reporter="U1",
        level=1,
        created_at=NOW,
        updated_at=NOW,
        ack_due_at=NOW,
        resolve_due_at=NOW + timedelta(hours=2),
        acknowledged_at=None,
        acknowledged_by=None,
        resolved_at=None,
        resolved_by=None,
        summary=None,
        root_cause=None,
        lessons=None,
        post_channel="C0INCIDENTS",
        post_ts="1.2",
        dedicated_channel=None,
        rating=None,
        policy=Policy.of(plan),
    )
    return replace(IncidentView.of(incident), **changes)


STATES = {
    "open": {},
    "acknowledged": {
        "status": IncidentStatus.ACKNOWLEDGED,
        "acknowledged_at": NOW,
        "acknowledged_by": "U2",
    },
    "resolved": {
        "status": IncidentStatus.RESOLVED,
        "resolved_at": NOW,
        "resolved_by": "U2",
        "summary": HUGE,
        "root_cause": HUGE,
        "lessons": HUGE,
        "dedicated_channel": "C9",
    },
    "top": {"level": 4, "suggested": False},
    "paged, breached and deferred": {
        "paged": tuple(
            PagedPerson(f"U{n:08d}", n % 4 + 1, n % 5 + 1, PageStatus.SENT, n % 7 == 0)
            for n in range(300)
        ),
        "ack_breached_at": NOW,
        "resolve_breached_at": NOW,
        "paging_deferred_until": NOW,
    },
}

PEOPLE = tuple(f"U{n:08d}" for n in range(120))
COVERS = tuple(
    CoverView(n, 1, "Support Team" * 20, f"U{n:08d}", "U1", NOW, NOW, "U0MGR1") for n in range(60)
)
ROSTER = Roster(
    at=NOW,
    phase=Phase.ROTATION,
    phase_title=PHASE_TITLES[Phase.ROTATION],
    business_hours=False,
    levels=tuple(LevelOnCall(n, "Level name " * 30, PEOPLE, COVERS) for n in range(1, 10)),
    next_handoff=NOW,
)


def page(status: PageStatus = PageStatus.SENT, notify_only: bool = False) -> PageView:
    return PageView(
        id=1,
        user="U2",
        level=1,
        level_name="Support Team" * 20,
        attempt=3,
        reason=HUGE[:200],
        status=status,
        note=HUGE[:500],
        notify_only=notify_only,
        incident=view(dedicated_channel="C9"),
    )


@pytest.fixture
def render() -> Renderer:
    render = Renderer(Plan())
    render.add_global("title_limit", TITLE_LIMIT)  # as bot/services.py sets it
    return render


@pytest.mark.parametrize("state", STATES)
def test_incident_post(render, state):
    message = render.message("incident_post.j2", i=view(**STATES[state]))
    assert validate_message(message.text, message.blocks) == []


def test_the_tier_picker_hint_goes_with_the_picker(render):
    # A resolved post has no tier picker, so it must not point at one.
    open_post = render.message("incident_post.j2", i=view())
    assert "Change the tier below" in json.dumps(open_post.blocks)
    resolved = render.message("incident_post.j2", i=view(**STATES["resolved"]))
    assert "Change the tier below" not in json.dumps(resolved.blocks)


def test_the_incident_channel_entry_links_the_channel(render):
    entry = EventView(NOW, "U1", "channel_created", "<#C0FAKE0001>")
    message = render.message("timeline_entry.j2", e=entry)
    assert "<#C0FAKE0001>" in json.dumps(message.blocks)
    assert "&lt;" not in json.dumps(message.blocks)


def test_detail_with_a_long_timeline(render):
    events = tuple(EventView(NOW, "U1", "update", HUGE[:5000]) for _ in range(200))
    message = render.message(
        "incident_detail.j2", d=IncidentDetail(view(**STATES["resolved"]), events)
    )
    assert validate_message(message.text, message.blocks) == []


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("incident_list.j2", {"incidents": [view()] * 20, "total": 37}),
        ("incident_list.j2", {"incidents": [], "total": 0}),
        ("timeline_entry.j2", {"e": EventView(NOW, "U1", "update", HUGE)}),
        ("declared.j2", {"i": view(), "duplicate": False}),
        ("lookalike.j2", {"i": view(), "title": HUGE[:140], "value": "v" * 2000}),
        ("declared.j2", {"i": view(), "duplicate": False, "meant": "tier"}),
        ("incident_changed.j2", {"i": view(), "change": "escalated"}),
        ("rating_request.j2", {"i": view()}),
        ("rating_thanks.j2", {"i": view(rating=5)}),
        ("channel_intro.j2", {"i": view()}),
        ("help.j2", {"problem": "bad_id", "given": "<!here>" * 10}),
        ("page_dm.j2", {"p": page()}),
        ("page_dm.j2", {"p": page(PageStatus.DECLINED)}),
        ("page_dm.j2", {"p": page(notify_only=True)}),
        ("page_dm.j2", {"p": replace(page(), incident=view(**STATES["acknowledged"]))}),
        ("oncall.j2", {"r": ROSTER}),
        ("oncall_schedule.j2", {"days": [ROSTER] * 14}),
        ("oncall_handoff.j2", {"r": ROSTER}),
        ("oncall_cover.j2", {"c": COVERS[0]}),
        ("oncall_help.j2", {"problem": "unknown_subcommand", "given": "<!here>" * 10}),
        ("timeline_entry.j2", {"e": EventView(NOW, "supportbot", "paged", "U0SUP1 " * 2000)}),
    ],
)
def test_messages(render, template, context):
    message = render.message(template, **context)
    assert validate_message(message.text, message.blocks) == []


def test_modals(render):
    assert validate_view(render.view("declare_modal.j2", title="x" * 500)) == []
    asked = render.view(
        "declare_modal.j2",
        title="x" * 500,
        description=HUGE,
        tier="2",
        category="bug",
        alike=view(),
    )
    assert validate_view(asked) == [] and asked["private_metadata"]
    assert validate_view(render.view("lookalike_added.j2", i=view())) == []
    assert validate_view(render.view("resolve_modal.j2", i=view(), summary=HUGE)) == []
    assert validate_view(render.view("decline_modal.j2", i=view())) == []


def test_a_constant_envelope_is_the_same_in_every_render():
    # {{ {...}|json }} of a constant: Jinja may evaluate it once, as it compiles the template;
    # each render must still get its own envelope (a fresh Renderer compiles anew).
    render = Renderer(Plan())
    first, again = (render.view("oncall_modal.j2", r=ROSTER) for _ in range(2))
    assert first["type"] == again["type"] == "modal"
    assert first == again and validate_view(again) == []


@pytest.mark.parametrize(
    "error",
    [
        IncidentNotFound(ref="INC-1"),
        NotAllowed(action="tier", ref="INC-1"),
        InvalidTransition(reason="already_acknowledged", ref="INC-1", who="U1"),
        BadInput(reason="unknown_tier", tier=9, tiers=[1, 2, 3, 4]),
        BadInput(reason="bad_id", given=HUGE),
        BadInput(reason="bad_until", given=HUGE),
        BadInput(reason="unknown_level", level=HUGE, levels=4),
        NotAllowed(action="cover", ref="level 1"),
        InvalidTransition(reason="not_paged", ref="INC-1"),
    ],
)
def test_error_notices(render, error):
    message = render.error(error)
    assert validate_message(message.text, message.blocks) == []
    assert "<!channel>" not in message.text
