"""How pages reach people: one DM per attempt, sent at most once, and kept up to date.

Record and check: a page is marked attempted (committed) before its DM is sent, and the DM
carries the page id in its message metadata. A later try of an attempted page first looks in
the DM history for that id, so a worker that died after Slack took the message (or an answer
lost on the way back) never makes a second DM."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.paging.digest import gathered, rides_along, taken_along
from bot.paging.pager import Pager
from bot.slack import (
    Handler,
    Kind,
    Message,
    Renderer,
    SlackCallFailed,
    SlackGateway,
    Writeback,
    find_marked,
)
from bot.store import Incident, IncidentStatus, Page, PageKind, PageStatus
from bot.timeline import IncidentView

log = logging.getLogger(__name__)

PAGE_EVENT = "supportbot_page"


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


def page_view(page: Page, incident: Incident) -> PageView:
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


class PageDelivery:
    """The outbox handlers for page DMs."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        gateway: SlackGateway,
        renderer: Renderer,
        clock: Clock,
        pager: Pager,
    ) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self._render = renderer
        self._clock = clock
        self._pager = pager

    def handlers(self) -> dict[str, Handler]:
        """Outbox kind → handler."""
        return {Kind.PAGE: self.send, Kind.UPDATE_PAGE: self.update}

    async def send(self, payload: dict[str, Any]) -> Writeback | None:
        """DM one page attempt, unless it is no longer needed or Slack already has it."""
        ready = await self._record_attempt(payload["page"])
        if ready is None:
            return None
        view, attempted_before, digest = ready
        try:
            channel = await self._gateway.open_dm(view.user)
            marker = self._gateway.marker(PAGE_EVENT, page=view.id)
            found = None
            if attempted_before is not None:
                found = await find_marked(self._gateway, channel, marker, since=attempted_before)
            if found is None:
                response = await self._gateway.post(
                    channel, self._message(view, digest), once=True, metadata=marker
                )
                found = str(response["ts"])
        except SlackCallFailed as exc:
            if exc.transient:
                raise
            return self._unreachable(view, exc.error)

        async def keep_ts(session: AsyncSession) -> None:
            # Single UPDATEs, not a read and a write: this runs in the worker's batch transaction.
            # Queued → sent is the common case, and the one the post's Paged field shows.
            sent_now = await session.execute(
                update(Page)
                .where(Page.id == view.id, Page.ts.is_(None), Page.status == PageStatus.QUEUED)
                .values(
                    channel=channel, ts=found, sent_at=self._clock.now(), status=PageStatus.SENT
                )
                .returning(Page.incident_id)
                .execution_options(synchronize_session=False)
            )
            incident_id = sent_now.scalar_one_or_none()
            if incident_id is not None:
                await self._pager.delivered(session, incident_id)
                return
            await session.execute(
                update(Page)
                .where(Page.id == view.id, Page.ts.is_(None))
                .values(channel=channel, ts=found, sent_at=self._clock.now())
                .execution_options(synchronize_session=False)
            )

        return keep_ts

    def _message(self, view: PageView, digest: list[PageView]) -> Message:
        if digest:
            return self._render.message("page_digest.j2", pages=digest, user=view.user)
        return self._render.message("page_dm.j2", p=view)

    async def _record_attempt(
        self, page_id: int
    ) -> tuple[PageView, datetime | None, list[PageView]] | None:
        """Mark the page attempted before any DM goes out; None when it need not go out.

        A re-page takes the person's other unanswered pages along (the digest, else empty)."""
        async with self._sessions.begin() as session:
            # The incident with its pages, this one locked: one read for both.
            incident = await session.scalar(
                select(Incident)
                .join(Incident.pages)
                .where(Page.id == page_id)
                .with_for_update(of=Page)
            )
            page = next((p for p in incident.pages if p.id == page_id), None) if incident else None
            if incident is None or page is None:
                raise LookupError(f"page {page_id} no longer exists")
            if page.ts is not None or page.status != PageStatus.QUEUED or rides_along(page):
                return None
            newer = any(
                p.user == page.user and p.level == page.level and p.attempt > page.attempt
                for p in incident.pages
            )
            # Pages made after the acknowledgement (an escalation, the 2-hour rule) still go.
            acked = incident.acknowledged_at
            taken = (
                acked is not None and acked >= page.created_at
            ) or incident.status == IncidentStatus.RESOLVED
            if (taken and page.kind == PageKind.PAGE) or newer:
                # Acknowledged before its turn came, or a later try will say the same.
                page.status = PageStatus.CANCELLED
                page.note = "no longer needed when its turn came"
                return None
            attempted_before = page.attempted_at
            if attempted_before is None:
                page.attempted_at = self._clock.now()
            digest = []
            if page.digest_of == page.id:
                linked = await gathered(session, page)
                taken_along([p for p, _ in linked], self._clock.now())
                digest = [page_view(p, i) for p, i in linked]
            return page_view(page, incident), attempted_before, digest

    def _unreachable(self, view: PageView, error: str) -> Writeback:
        log.warning("page %s to %s cannot be delivered: %s", view.id, view.user, error)

        async def mark(session: AsyncSession) -> None:
            incident = await session.scalar(
                select(Incident).where(Incident.id == view.incident.id).with_for_update()
            )
            page = await session.get(Page, view.id)
            if incident is not None and page is not None and page.status == PageStatus.QUEUED:
                await self._pager.unreachable(session, incident, page, error)
            # Pages swept into this re-page never had a DM of their own: none reached them.
            swept = await session.scalars(
                select(Page).where(Page.digest_of == view.id, Page.id != view.id, Page.ts.is_(None))
            )
            for other in list(swept):
                held = await session.scalar(
                    select(Incident).where(Incident.id == other.incident_id).with_for_update()
                )
                if held is not None and other.status == PageStatus.SENT:
                    await self._pager.unreachable(session, held, other, error)

        return mark

    async def update(self, payload: dict[str, Any]) -> Writeback | None:
        """Re-render a sent DM from the incident as it is now (acknowledged, resolved…), and
        the re-page that listed it with others."""
        edits: list[tuple[str, str, Message]] = []
        async with self._sessions() as session:
            page = await session.get(Page, payload["page"])
            if page is None:
                return None
            if page.digest_of is not None:
                trigger = await session.get(Page, page.digest_of)
                if trigger is not None and trigger.ts is not None and trigger.channel:
                    views = [page_view(p, i) for p, i in await gathered(session, trigger)]
                    message = self._render.message("page_digest.j2", pages=views, user=trigger.user)
                    edits.append((trigger.channel, trigger.ts, message))
            incident = await session.get(Incident, page.incident_id)
            own = page.ts is not None and page.channel and page.digest_of != page.id
            if incident is not None and own and page.channel and page.ts:
                message = self._render.message("page_dm.j2", p=page_view(page, incident))
                edits.append((page.channel, page.ts, message))
        for channel, ts, message in edits:
            await self._gateway.update(channel, ts, message)
        return None
