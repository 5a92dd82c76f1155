"""How alerts reach Slack: the post in the alerts channel (once), its edits, its thread."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.monitoring.views import AlertView
from bot.slack import Handler, Kind, Renderer, SlackGateway, Writeback, find_marked
from bot.store import Alert, Incident

POST_EVENT = "supportbot_alert"


class AlertDelivery:
    """The outbox handlers for alerts."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        gateway: SlackGateway,
        renderer: Renderer,
        clock: Clock,
    ) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self._render = renderer
        self._clock = clock

    def handlers(self) -> dict[str, Handler]:
        """Outbox kind → handler."""
        return {
            Kind.POST_ALERT: self.post,
            Kind.UPDATE_ALERT: self.update,
            Kind.ALERT_REPLY: self.reply,
        }

    async def _view(self, alert_id: int) -> AlertView:
        async with self._sessions() as session:
            alert = await session.get(Alert, alert_id)
            if alert is None:
                raise LookupError(f"alert {alert_id} no longer exists")
            view = AlertView.of(alert)
            incident = await session.get(Incident, alert.incident_id) if alert.incident_id else None
            where = (incident.post_channel, incident.post_ts) if incident else None
        if where is not None and where[1]:
            found = await self._gateway.call(
                "chat.getPermalink", channel=where[0], message_ts=where[1]
            )
            view = replace(view, incident_link=str(found["permalink"]))
        return view

    async def post(self, payload: dict[str, Any]) -> Writeback | None:
        """The alert in the alerts channel; posted once (a retry looks for it first)."""
        view = await self._view(payload["alert"])
        if view.ts or not view.channel:
            return None
        marker = self._gateway.marker(POST_EVENT, alert=view.id)
        ts, channel = None, view.channel
        if payload.get("attempt", 1) > 1:
            since = view.fired_at or view.started_at
            ts = await find_marked(self._gateway, view.channel, marker, since=since)
        if ts is None:
            response = await self._gateway.post(
                view.channel, self._render.message("alert.j2", a=view), once=True, metadata=marker
            )
            ts, channel = str(response["ts"]), str(response.get("channel") or channel)

        async def keep_ts(session: AsyncSession) -> None:
            alert = await session.get(Alert, view.id)
            if alert is not None:
                alert.ts, alert.channel = ts, channel

        return keep_ts

    async def update(self, payload: dict[str, Any]) -> Writeback | None:
        """Re-render the post as the alert is now (acknowledged, linked, recovered)."""
        view = await self._view(payload["alert"])
        if not view.ts or not view.channel:
            raise LookupError(f"alert {view.id} was never posted; nothing to edit")
        await self._gateway.update(view.channel, view.ts, self._render.message("alert.j2", a=view))
        return None

    async def reply(self, payload: dict[str, Any]) -> Writeback | None:
        """A reminder, a recovery or a worse reading, in the alert's thread."""
        view = await self._view(payload["alert"])
        if not view.ts or not view.channel:
            raise LookupError(f"alert {view.id} was never posted; nothing to reply to")
        at = datetime.fromisoformat(payload["at"])
        message = self._render.message("alert_reply.j2", a=view, reply=payload["reply"], at=at)
        await self._gateway.post(view.channel, message, thread_ts=view.ts)
        return None
