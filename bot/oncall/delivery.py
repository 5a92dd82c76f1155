"""On-call announcements in the ops channel: the daily handoff and covers."""

from __future__ import annotations

from typing import Any

from bot.config import Plan
from bot.oncall.service import OnCallService
from bot.slack import Handler, Kind, Renderer, SlackGateway, Writeback


class OnCallDelivery:
    """The outbox handlers for on-call posts."""

    def __init__(
        self, *, oncall: OnCallService, gateway: SlackGateway, renderer: Renderer, plan: Plan
    ) -> None:
        self._oncall = oncall
        self._gateway = gateway
        self._render = renderer
        self._plan = plan

    def handlers(self) -> dict[str, Handler]:
        """Outbox kind → handler."""
        return {Kind.ONCALL_HANDOFF: self.handoff, Kind.ONCALL_COVER: self.cover}

    async def handoff(self, payload: dict[str, Any]) -> Writeback | None:
        """Who is on call from this handoff until the next."""
        slot = await self._oncall.handoff_slot(payload["handoff"])
        if slot is None:
            raise LookupError(f"handoff {payload['handoff']} no longer exists")
        roster = await self._oncall.roster(slot)
        await self._gateway.post(
            self._plan.channels.ops, self._render.message("oncall_handoff.j2", r=roster)
        )
        return None

    async def cover(self, payload: dict[str, Any]) -> Writeback | None:
        """Someone covers a level: the team hears who to expect."""
        cover = await self._oncall.get_cover(payload["cover"])
        if cover is None:
            raise LookupError(f"cover {payload['cover']} no longer exists")
        await self._gateway.post(
            self._plan.channels.ops, self._render.message("oncall_cover.j2", c=cover)
        )
        return None
