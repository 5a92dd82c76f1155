"""An incident's timeline and post, kept in step: every change is recorded and shown."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.slack import BOT_ACTOR, Kind, Outbox

__all__ = ["BOT_ACTOR", "IncidentLog", "incident_key"]
from bot.store import Incident, IncidentEvent


def incident_key(incident_id: int) -> str:
    """The outbox key of an incident's channel messages (delivered in order)."""
    return f"incident:{incident_id}"


class IncidentLog:
    """Writes timeline entries and queues the thread reply and post edit that show them."""

    def __init__(self, outbox: Outbox, clock: Clock) -> None:
        self._outbox = outbox
        self._clock = clock

    def record(
        self, session: AsyncSession, incident: Incident, actor: str, kind: str, text: str
    ) -> IncidentEvent:
        """A timeline entry, not (yet) shown anywhere."""
        event = IncidentEvent(at=self._clock.now(), actor=actor, kind=kind, text=text)
        if incident.id is None:
            event.incident = incident  # the flush inserts the incident first, then this
        else:
            # By id: through the relationship the incident's events (not loaded) would keep
            # it as a pending addition, and the flush's unit of work would have to insert it.
            event.incident_id = incident.id
        session.add(event)
        return event

    async def changed(
        self, session: AsyncSession, incident: Incident, actor: str, kind: str, text: str
    ) -> None:
        """Timeline entry, thread reply and an in-place post update, in the caller's transaction."""
        incident.updated_at = self._clock.now()
        event = self.record(session, incident, actor, kind, text)
        if incident.id is None:
            await session.flush()
        await self.show(session, incident.id)
        payload: dict[str, Any] = {"incident": incident.id, "event": event}
        await self._outbox.add(session, Kind.TIMELINE, incident_key(incident.id), payload)

    async def show(self, session: AsyncSession, incident_id: int) -> None:
        """An edit of the post to show the incident as it will be once the caller commits."""
        await self._outbox.add(
            session,
            Kind.UPDATE_INCIDENT,
            incident_key(incident_id),
            {"incident": incident_id},
            coalesce=True,
            covered_by=(Kind.POST_INCIDENT,),
        )
