"""Reply helpers shared by listeners: turn outcomes and domain errors into ephemeral answers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from bot.errors import SupportbotError
from bot.services import Services
from bot.slack import Message

log = logging.getLogger(__name__)
T = TypeVar("T")


async def attempt(services: Services, work: Awaitable[T]) -> T | Message:
    """Run a service call; a domain error comes back as the message explaining it."""
    try:
        return await work
    except SupportbotError as error:
        log.info("refused: %s %s", error.code, error.params)
        return services.render.error(error)


async def answer(services: Services, body: dict[str, Any], outcome: object) -> None:
    """If the outcome is a message (an error or a reply), show it to the clicking user."""
    if isinstance(outcome, Message):
        await services.gateway.respond(body.get("response_url"), outcome)
