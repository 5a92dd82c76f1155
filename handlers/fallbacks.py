"""Catch-alls registered last: anything we don't know gets a 200 and a clear word, not a 404."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.services import Services
from handlers.replies import listener

log = logging.getLogger(__name__)
ANYTHING = re.compile(".*")


@listener()
async def unknown_action(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """An action id we no longer (or never) sent."""
    await ack()
    action = (body.get("actions") or [{}])[0].get("action_id", "?")
    log.info("unknown action id %r", action)
    await services.gateway.respond(
        body.get("response_url"), services.render.notice("unknown_action")
    )


@listener()
async def unknown_view(ack: AsyncAck, view: dict[str, Any]) -> None:
    """A modal we don't know: close it quietly."""
    log.info("unknown view callback %r", view.get("callback_id"))
    await ack()


@listener()
async def ignored_event(event: dict[str, Any]) -> None:
    """Events we subscribe to but don't act on yet."""
    log.debug("event %s ignored", event.get("type"))


def register(app: AsyncApp) -> None:
    """Register after every real listener: Bolt runs the first that matches."""
    app.action(ANYTHING)(unknown_action)
    app.view(ANYTHING)(unknown_view)
    app.event(ANYTHING)(ignored_event)
