"""The paging baseline: a bare Bolt AsyncApp whose /incident listener acks, then DMs one person.

The least any bot that pages must do: conversations.open, then chat.postMessage to the DM,
on our stack (Bolt AsyncApp behind Starlette on uvicorn) with one pooled HTTP session, as
supportbot's gateway has.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.slack import web_client

ON_CALL = "U0SUP1"

bolt = AsyncApp(
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    client=web_client(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_API_URL"]),
)


@bolt.command("/incident")
async def ack_then_page(ack, command: dict[str, Any], client) -> None:  # type: ignore[no-untyped-def]
    await ack()
    opened = await client.conversations_open(users=ON_CALL)
    await client.chat_postMessage(
        channel=opened["channel"]["id"],
        text=f"Page: {command['text']}",
        metadata={"event_type": "bench_page", "event_payload": {"text": command["text"][:100]}},
    )


handler = AsyncSlackRequestHandler(bolt)


async def events(request: Request) -> Response:
    return await handler.handle(request)


@contextlib.asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        bolt.client.session = session
        yield


app = Starlette(routes=[Route("/slack/events", events, methods=["POST"])], lifespan=lifespan)
