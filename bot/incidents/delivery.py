"""How each incident outbox message reaches Slack: the post, its edits, thread, channel, DM."""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

from sqlalchemy import Row, bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Plan
from bot.incidents.titles import ascii_fold
from bot.slack import (
    BOT_ACTOR,
    Claimed,
    Handler,
    Kind,
    Outbox,
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
    IncidentEvent,
    IncidentRecord,
    add_row,
    read_entries,
    read_entry,
    read_incident,
    read_incidents,
    table_of,
)
from bot.timeline import EventView, IncidentLog, IncidentView

log = logging.getLogger(__name__)
CHANNEL_NAME_ATTEMPTS = 5
POST_EVENT = "supportbot_incident"
# Timeline entries the whole channel must see, not only those following the thread.
BROADCAST = {"level_skipped", "nobody_paged", "breach", "unreachable"}
_INCIDENTS = table_of(Incident)
# What Slack answered, written back: built once, on the table (an ORM UPDATE costs more to
# build than to run).
_POSTED = (
    update(_INCIDENTS)
    .where(_INCIDENTS.c.id == bindparam("incident"))
    .values(post_ts=bindparam("at_ts"), post_channel=bindparam("at"))
)
_CHANNEL_MADE = (
    update(_INCIDENTS)
    .where(_INCIDENTS.c.id == bindparam("incident"))
    .values(dedicated_channel=bindparam("channel_id"))
)


def channel_name(prefix: str, incident_id: int, title: str) -> str:
    """inc-42-checkout-is-down: lowercase, hyphens, at most 80 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(title)).strip("-")
    return f"{prefix}-{incident_id}-{slug}"[:80].rstrip("-")


class IncidentDelivery:
    """The outbox handlers for incidents."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        gateway: SlackGateway,
        renderer: Renderer,
        plan: Plan,
        outbox: Outbox,
        clock: Clock,
    ) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self._render = renderer
        self._plan = plan
        self._clock = clock
        self._log = IncidentLog(outbox, clock)
        # What the claims read for the messages they took (see claimed).
        self._incidents: ReadAhead[int, IncidentRecord] = ReadAhead()
        self._entries: ReadAhead[int, Row[Any]] = ReadAhead()

    def handlers(self) -> dict[str, Handler]:
        """Outbox kind → handler."""
        return {
            Kind.POST_INCIDENT: self.post,
            Kind.UPDATE_INCIDENT: self.update,
            Kind.TIMELINE: self.timeline,
            Kind.CREATE_CHANNEL: self.create_channel,
            Kind.RATING_DM: self.rating_dm,
        }

    def claimed(self) -> dict[str, Claimed]:
        """Outbox kind → what the worker reads as it claims messages of that kind."""
        shows_incident = (
            Kind.POST_INCIDENT,
            Kind.UPDATE_INCIDENT,
            Kind.CREATE_CHANNEL,
            Kind.RATING_DM,
        )
        return dict.fromkeys(shows_incident, self._read_incidents) | {
            Kind.TIMELINE: self._read_entries
        }

    async def _read_incidents(self, session: AsyncSession, payloads: list[dict[str, Any]]) -> None:
        # One read for every kind here (the worker calls a hook once per claim): a claim may
        # take an incident's post and its channel (on a key of its own) together. Each kind
        # whose handler takes a read ahead is here, so each claim reads it afresh.
        wanted = Counter(payload["incident"] for payload in payloads)
        for record in (await read_incidents(session, set(wanted), share=True)).values():
            self._incidents.keep(record.id, record, takers=wanted[record.id])

    async def _read_entries(self, session: AsyncSession, payloads: list[dict[str, Any]]) -> None:
        # One statement for the claim's entries, however many incidents they are of.
        entries = await read_entries(session, {payload["event"] for payload in payloads})
        for event_id, entry in entries.items():
            self._entries.keep(event_id, entry)

    async def _record(self, incident_id: int) -> IncidentRecord:
        incident = await self._incidents.take_or_read(incident_id, self._sessions, read_incident)
        if incident is None:
            raise LookupError(f"incident {incident_id} no longer exists")
        return incident

    async def _view(self, incident_id: int) -> IncidentView:
        return IncidentView.of(await self._record(incident_id))

    async def post(self, payload: dict[str, Any]) -> RowWrite | None:
        """The incident post in the incidents channel; its ts is kept for edits and thread.

        Posted once: the message carries the incident id, and a retry first looks for it."""
        view = await self._view(payload["incident"])
        if view.post_ts:
            return None
        marker = self._gateway.marker(POST_EVENT, incident=view.id)
        ts, channel = None, view.post_channel
        if payload.get("attempt", 1) > 1:
            ts = await find_marked(self._gateway, view.post_channel, marker, since=view.created_at)
        if ts is None:
            response = await self._gateway.post(
                view.post_channel,
                self._render.message("incident_post.j2", i=view),
                once=True,
                metadata=marker,
            )
            ts, channel = str(response["ts"]), str(response.get("channel") or channel)
        return RowWrite(_POSTED, {"incident": view.id, "at_ts": ts, "at": channel})

    async def update(self, payload: dict[str, Any]) -> Writeback | None:
        """Re-render the post from the incident as it is now."""
        view = await self._ready(payload["incident"])
        await self._gateway.update(
            view.post_channel, str(view.post_ts), self._render.message("incident_post.j2", i=view)
        )
        return None

    async def timeline(self, payload: dict[str, Any]) -> Writeback | None:
        """One timeline entry as a reply in the post's thread."""
        row = await self._entries.take_or_read(payload["event"], self._sessions, read_entry)
        if row is None:
            raise LookupError(f"timeline event {payload['event']} no longer exists")
        if not row.post_ts:
            # Messages on a key go out in order, so a missing ts means the post itself failed.
            raise LookupError(f"INC-{payload['incident']} was never posted; nothing to reply to")
        entry = EventView.of(row)
        await self._gateway.post(
            row.post_channel,
            self._render.message("timeline_entry.j2", e=entry),
            thread_ts=row.post_ts,
            reply_broadcast=entry.kind in BROADCAST or None,
        )
        return None

    async def create_channel(self, payload: dict[str, Any]) -> Writeback | None:
        """A dedicated channel for the incident, with the people on it invited."""
        incident = await self._record(payload["incident"])
        view = IncidentView.of(incident)
        # An incident the bot declared (a monitor's) has no person as its reporter.
        people = ({view.reporter} - {BOT_ACTOR}) | incident.policy.responders(view.level)
        if view.dedicated_channel:
            return None
        base = channel_name(self._plan.incidents.channel_prefix, view.id, view.title)
        channel_id = await self._create(base)
        await self._invite(channel_id, sorted(people))
        await self._gateway.post(channel_id, self._render.message("channel_intro.j2", i=view))

        async def keep_channel(session: AsyncSession) -> None:
            kept = await session.execute(
                _CHANNEL_MADE, {"incident": view.id, "channel_id": channel_id}
            )
            if not kept.rowcount:  # type: ignore[attr-defined]
                return
            # Held for the end of the worker's batch: one INSERT for every channel a pass
            # records, not one each.
            add_row(
                session,
                IncidentEvent,
                {
                    "incident_id": view.id,
                    "at": self._clock.now(),
                    "actor": view.reporter,
                    "kind": "channel_created",
                    "text": f"<#{channel_id}>",
                },
            )
            await self._log.show(session, view.id)

        return keep_channel

    async def _create(self, base: str) -> str:
        for attempt in range(CHANNEL_NAME_ATTEMPTS):
            name = base if attempt == 0 else f"{base[:76]}-{attempt + 1}"
            try:
                response = await self._gateway.call("conversations.create", name=name)
            except SlackCallFailed as exc:
                if exc.error == "name_taken":
                    continue
                raise
            return str(response["channel"]["id"])
        raise SlackCallFailed("conversations.create", "name_taken", transient=False)

    async def _invite(self, channel_id: str, users: list[str]) -> None:
        # One call for everyone. force: Slack invites the people it can and lists the rest in
        # "errors", so one unknown member does not keep everyone else out.
        try:
            response = await self._gateway.call(
                "conversations.invite", channel=channel_id, users=",".join(users), force=True
            )
        except SlackCallFailed as exc:
            if exc.transient:
                raise
            # Nobody could be invited (all unknown, or all already in after a retry).
            log.warning("could not invite %s to %s: %s", users, channel_id, exc.error)
            return
        for failure in response.get("errors") or ():
            user, error = failure.get("user"), failure.get("error")
            log.warning("could not invite %s to %s: %s", user, channel_id, error)

    async def rating_dm(self, payload: dict[str, Any]) -> Writeback | None:
        """Ask the reporter, by DM, to rate how the incident was handled."""
        view = await self._view(payload["incident"])
        if view.rating is not None:
            return None
        channel = await self._gateway.open_dm(view.reporter)
        await self._gateway.post(channel, self._render.message("rating_request.j2", i=view))
        return None

    async def _ready(self, incident_id: int) -> IncidentView:
        view = await self._view(incident_id)
        if not view.post_ts:
            # Messages on a key go out in order, so a missing ts means the post itself failed.
            raise LookupError(f"INC-{incident_id} was never posted; nothing to edit or reply to")
        return view
