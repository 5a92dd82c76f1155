"""Page DMs are rendered once for everyone paged at once on a level, never shared wrongly."""

from __future__ import annotations

from dataclasses import replace

from bot.config import Plan
from bot.paging.messages import PageMessages
from bot.slack import Renderer
from bot.store import IncidentStatus, PageStatus
from tests.unit.test_render_limits import NOW, page


def messages() -> PageMessages:
    return PageMessages(Renderer(Plan()))


def test_people_paged_at_once_on_a_level_get_one_rendering_of_the_same_dm():
    dms = messages()
    first = page(status=PageStatus.QUEUED)
    second = replace(first, id=2, user="U3")
    assert dms.dm(first) is dms.dm(second)


def test_a_dm_that_shows_anything_else_is_rendered_for_itself():
    dms = messages()
    first = page(status=PageStatus.QUEUED)
    acknowledged = replace(
        first.incident,
        status=IncidentStatus.ACKNOWLEDGED,
        acknowledged_at=NOW,
        acknowledged_by="U9",
    )
    others = {
        "level": replace(first, level=2, level_name="Development Team"),
        "try": replace(first, attempt=first.attempt + 1),
        "notice": replace(first, notify_only=True),
        "declined": replace(first, status=PageStatus.DECLINED, note="on a train"),
        "incident": replace(first, incident=acknowledged),
    }
    shown = dms.dm(first)
    for what, other in others.items():
        message = dms.dm(other)
        assert message.blocks != shown.blocks, what
        assert message == messages().dm(other), what  # as if rendered by itself


def test_a_dm_never_names_a_person_or_page_it_was_not_rendered_for():
    dm = messages().dm(replace(page(), id=987654, user="U0SOMEONE"))
    text = repr(dm)
    assert "U0SOMEONE" not in text and "987654" not in text
