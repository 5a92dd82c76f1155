"""What a page DM says: the page and its incident as the templates show them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.slack import Message, Renderer
from bot.store import PageKind, PageStatus
from bot.timeline import IncidentFields, IncidentView, PageFields

# Page DMs whose message is kept to be sent again: a declaration's levels, for a few at once.
RENDERED_KEPT = 64


@dataclass(frozen=True)
class PageView:
    """One DM page with the incident it is about, as the template shows it."""

    id: int
    user: str
    level: int
    level_name: str
    attempt: int
    reason: str
    status: PageStatus
    note: str | None
    notify_only: bool
    incident: IncidentView


def page_view(page: PageFields, incident: IncidentFields) -> PageView:
    return PageView(
        id=page.id,
        user=page.user,
        level=page.level,
        level_name=incident.policy.level(page.level).name,
        attempt=page.attempt,
        reason=page.reason,
        status=page.status,
        note=page.note,
        notify_only=page.kind == PageKind.NOTICE,
        incident=IncidentView.of(incident),
    )


class PageMessages:
    """Renders page DMs and the re-page digests that list several pages."""

    def __init__(self, renderer: Renderer) -> None:
        self._render = renderer
        # What page DMs showed lately → their message (dm).
        self._rendered: dict[PageView, Message] = {}

    def dm(self, view: PageView) -> Message:
        """A page's own DM. It is rendered without its person and page id (it shows neither),
        so the people paged at once on a level get the same message: rendered once for all."""
        shown = replace(view, id=0, user="")
        message = self._rendered.get(shown)
        if message is None:
            if len(self._rendered) >= RENDERED_KEPT:
                self._rendered.clear()
            message = self._rendered[shown] = self._render.message("page_dm.j2", p=shown)
        return message

    def digest(self, pages: list[PageView], user: str) -> Message:
        """A re-page that carries several pages to one person."""
        return self._render.message("page_digest.j2", pages=pages, user=user)
