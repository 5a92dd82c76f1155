"""The baseline: a bare Bolt AsyncApp whose one command listener only acks, on our stack."""

from __future__ import annotations

import os

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.slack import web_client

bolt = AsyncApp(
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    client=web_client(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_API_URL"]),
)


@bolt.command("/incident")
async def only_ack(ack) -> None:  # type: ignore[no-untyped-def]
    await ack()


handler = AsyncSlackRequestHandler(bolt)


async def events(request: Request) -> Response:
    return await handler.handle(request)


app = Starlette(routes=[Route("/slack/events", events, methods=["POST"])])
