"""How pages reach people: one DM per attempt, sent at most once, and kept up to date.

Record and check: a page is marked attempted (committed, as the outbox worker claims its
message) before its DM is sent, and the DM carries the page id in its message metadata. A
later claim of the message first looks in the DM history for that id, so a worker that died
after Slack took the message (or an answer lost on the way back) never makes a second DM."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.paging.digest import gathered, rides_along, taken_along
from bot.paging.messages import PageMessages, PageView, page_view
from bot.paging.pager import Pager
from bot.paging.pages import ATTEMPTING, SENT
from bot.slack import (
    Claimed,
    Handler,
    Kind,
    Message,
    ReadAhead,
    Renderer,
    RowWrite,
    SlackCallFailed,
    SlackGateway,
    Writeback,
    find_marked,
)
from bot.store import (
    Incident,
    IncidentRecord,
    IncidentStatus,
    Page,
    PageKind,
    PageStatus,
    read_incident,
    read_incidents,
)
from bot.timeline import IncidentFields, PageFields

log = logging.getLogger(__name__)

PAGE_EVENT = "supportbot_page"
P = TypeVar("P", bound=PageFields)


async def _locked(session: AsyncSession, page_id: int) -> tuple[Incident, Page]:
    """The page with its incident and the incident's pages, locked to write."""
    query = select(Incident).join(Incident.pages).where(Page.id == page_id)
    incident = await session.scalar(query.with_for_update(of=Page))
    if incident is None:
        raise LookupError(f"page {page_id} no longer exists")
    return incident, _page_in(incident.pages, page_id)


async def _read(session: AsyncSession, page_id: int) -> IncidentRecord:
    """The page's incident with its pages, to read only: Core rows, not ORM objects (half the
    CPU, and most turns only read)."""
    incident = await read_incident(session, page_id=page_id)
    if incident is None:
        raise LookupError(f"page {page_id} no longer exists")
    return incident


def _page_in(pages: Sequence[P], page_id: int) -> P:
    page = next((p for p in pages if p.id == page_id), None)
    if page is None:
        raise LookupError(f"page {page_id} no longer exists")
    return page


class Turn(Enum):
    """What a page's turn in the outbox comes to."""

    SEND = "send"
    CANCEL = "cancel"  # acknowledged before its turn came, or a later try will say the same
    DONE = "done"  # sent, answered, or on its way in another page's DM


def _turn(incident: IncidentFields, page: PageFields) -> Turn:
    if page.ts is not None or page.status != PageStatus.QUEUED or rides_along(page):
        return Turn.DONE
    newer = any(
        p.user == page.user and p.level == page.level and p.attempt > page.attempt
        for p in incident.pages
    )
    # Pages made after the acknowledgement (an escalation, the 2-hour rule) still go.
    acked = incident.acknowledged_at
    taken = (
        acked is not None and acked >= page.created_at
    ) or incident.status == IncidentStatus.RESOLVED
    return Turn.CANCEL if (taken and page.kind == PageKind.PAGE) or newer else Turn.SEND


def _carries(page: PageFields) -> bool:
    """A re-page others were linked to, whose DM (the digest) has not gone out yet."""
    return page.digest_of == page.id and page.ts is None


def _since(page: PageFields, attempt: int) -> datetime | None:
    """Since when Slack may hold this page's DM: an earlier claim of its message may have
    sent it (the answer lost, or the worker died waiting); the first claim sent nothing."""
    return (page.attempted_at or page.created_at) if attempt > 1 else None


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
        self._messages = PageMessages(renderer)
        self._clock = clock
        self._pager = pager
        # Page id → its incident, as the claim that took its message read it (attempting).
        self._read_ahead: ReadAhead[int, IncidentRecord] = ReadAhead()

    def handlers(self) -> dict[str, Handler]:
        """Outbox kind → handler."""
        return {Kind.PAGE: self.send, Kind.UPDATE_PAGE: self.update}

    def claimed(self) -> dict[str, Claimed]:
        """Outbox kind → what the worker writes as it claims messages of that kind."""
        return {Kind.PAGE: self.attempting}

    async def attempting(self, session: AsyncSession, payloads: list[dict[str, Any]]) -> None:
        """Mark the claimed pages attempted, in the claim's transaction: committed before any
        of their DMs can go out, one statement for the whole claim.

        Their incidents are read here too, for the turn each DM takes (_ready): two statements
        for all the claim's pages, not a transaction per DM."""
        ids = [p["page"] for p in payloads]
        await session.execute(ATTEMPTING, {"pages": ids, "now": self._clock.now()})
        claimed = set(ids)
        # A page that is gone is left out: its turn finds out (_read).
        for record in (await read_incidents(session, page_ids=claimed, share=True)).values():
            for page in record.pages:
                if page.id in claimed:
                    self._read_ahead.keep(page.id, record)

    async def send(self, payload: dict[str, Any]) -> Writeback | RowWrite | None:
        """DM one page attempt, unless it is no longer needed or Slack already has it."""
        ready = await self._ready(payload["page"], payload["attempt"])
        if ready is None:
            return None
        view, since, digest = ready
        try:
            channel = await self._gateway.open_dm(view.user)
            marker = self._gateway.marker(PAGE_EVENT, page=view.id)
            found = None
            if since is not None:
                found = await find_marked(self._gateway, channel, marker, since=since)
            if found is None:
                response = await self._gateway.post(
                    channel, self._message(view, digest), once=True, metadata=marker
                )
                found = str(response["ts"])
        except SlackCallFailed as exc:
            if exc.transient:
                raise
            return self._unreachable(view, exc.error)

        sent = {"page": view.id, "dm": channel, "dm_ts": found, "now": self._clock.now()}
        # The post's Paged field shows queued → sent: edited when this DM took the page there
        # (as the claim read it; a page changed since is shown by what changed it).
        shown = view.status == PageStatus.QUEUED
        return RowWrite(
            SENT,
            sent,
            partial(self._pager.delivered, incident_id=view.incident.id) if shown else None,
        )

    def _message(self, view: PageView, digest: list[PageView]) -> Message:
        if digest:
            return self._messages.digest(digest, view.user)
        return self._messages.dm(view)

    async def _ready(
        self, page_id: int, attempt: int
    ) -> tuple[PageView, datetime | None, list[PageView]] | None:
        """The page to DM, since when Slack may already have it (None: never tried), and the
        pages a re-page takes along (the digest, else empty); None when it need not go out.

        The worker's claim marked it attempted and read it (attempting), so the common turn
        reads nothing more. A turn that must write (cancel it, send a digest's pages with it,
        or mark a page the claim did not) does so under the page's lock, deciding again on
        what it locked."""
        record = await self._read_ahead.take_or_read(page_id, self._sessions, _read)
        read = _page_in(record.pages, page_id)
        turn = _turn(record, read)
        carries = _carries(read)
        if turn == Turn.DONE and not carries:
            return None
        if turn == Turn.SEND and read.attempted_at is not None and not carries:
            return page_view(read, record), _since(read, attempt), []
        async with self._sessions.begin() as session:
            incident, page = await _locked(session, page_id)
            turn = _turn(incident, page)
            linked = await gathered(session, page) if _carries(page) else []
            # A re-page others ride along in goes out for them even when its own page is no
            # longer needed (its incident acknowledged, a newer try made): they have no DM.
            riders = any(rides_along(p) for p, _ in linked if p.id != page.id)
            if turn != Turn.SEND and not riders:
                if turn == Turn.CANCEL:
                    page.status = PageStatus.CANCELLED
                    page.note = "no longer needed when its turn came"
                return None
            page.attempted_at = page.attempted_at or self._clock.now()
            taken_along([p for p, _ in linked], self._clock.now())
            digest = [page_view(p, i) for p, i in linked]
            return page_view(page, incident), _since(page, attempt), digest

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
                    message = self._messages.digest(views, trigger.user)
                    edits.append((trigger.channel, trigger.ts, message))
            incident = await session.get(Incident, page.incident_id)
            own = page.ts is not None and page.channel and page.digest_of != page.id
            if incident is not None and own and page.channel and page.ts:
                edits.append((page.channel, page.ts, self._messages.dm(page_view(page, incident))))
        for channel, ts, message in edits:
            await self._gateway.update(channel, ts, message)
        return None
