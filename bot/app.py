"""The app factory: Bolt app, ASGI routes and the background delivery worker."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.services import Services
from handlers import register_all
from scheduled.scheduler import start_scheduler

log = logging.getLogger(__name__)


def create_bolt_app(services: Services) -> AsyncApp:
    """The Bolt app with every listener; services reach listeners as the `services` argument."""
    settings = services.settings
    app = AsyncApp(
        signing_secret=settings.signing_secret,
        client=services.gateway.client,
        # Listeners ack first and carry on; Slack gets its answer as soon as ack() is called.
        process_before_response=False,
    )

    async def provide_services(
        context: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> None:  # noqa: A002
        context["services"] = services
        await next()

    async def act_once(
        body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:  # noqa: A002
        # Claimed before any listener runs, so a copy of a request (replayed inside the
        # signature's 5 minutes, or retried by Slack) is only acknowledged.
        if await services.seen.is_repeat(body):
            return BoltResponse(status=200, body="")
        await next()
        return None

    app.use(provide_services)
    app.use(act_once)
    register_all(app)

    async def log_error(error: Exception, body: dict[str, Any]) -> None:
        log.error(
            "listener failed on a %s request",
            body.get("type") or body.get("command"),
            exc_info=error,
        )

    app.error(log_error)
    return app


@contextlib.asynccontextmanager
async def running(services: Services, *, schedule: bool = True) -> AsyncIterator[None]:
    """Pools open, the outbox worker delivering and (with schedule) the periodic jobs running."""
    await services.start()
    scheduler = start_scheduler(services) if schedule else None
    # Everything built so far lives for the whole process: keep the collector off it, so
    # full collections stay short and don't stall acks.
    gc.collect()
    gc.freeze()
    stopping = asyncio.Event()
    worker = asyncio.create_task(services.worker.run(stopping))
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        stopping.set()
        services.outbox.wake()
        await worker
        await services.close()
        gc.unfreeze()


def create_asgi(
    services: Services,
    bolt: AsyncApp | None = None,
    extra_routes: Sequence[BaseRoute] = (),
    *,
    schedule: bool = True,
) -> Starlette:
    """POST /slack/events and GET /healthz (plus extra_routes, for the playground)."""
    handler = AsyncSlackRequestHandler(bolt or create_bolt_app(services))
    verifier = SignatureVerifier(services.settings.signing_secret or "")

    async def slack_events(request: Request) -> Response:
        try:
            return await handler.handle(request)
        except Exception:
            # Bolt parses the body before it checks the signature, so garbage raises here.
            try:
                signed = verifier.is_valid_request(await request.body(), dict(request.headers))
            except UnicodeDecodeError:  # Slack only ever sends UTF-8
                signed = False
            if not signed:
                return Response(status_code=401)
            log.warning("ignored a signed but malformed Slack request", exc_info=True)
            return Response(status_code=200)

    async def healthz(_: Request) -> Response:
        try:
            return JSONResponse(await services.health())
        except Exception:
            log.exception("health check failed")
            return JSONResponse({"ok": False}, status_code=503)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with running(services, schedule=schedule):
            yield

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *extra_routes,
        ],
        lifespan=lifespan,
    )


async def run_socket_mode(services: Services) -> None:
    """Socket Mode: the same listeners over a websocket, with the delivery worker beside it."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(create_bolt_app(services), services.settings.app_token)
    async with running(services):
        await handler.start_async()  # type: ignore[no-untyped-call]
