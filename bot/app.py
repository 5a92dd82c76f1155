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
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Message

from bot.services import Services
from bot.slack import collect_when_quiet
from bot.status import render_status
from handlers import register_all
from handlers.replies import finish_work
from scheduled.scheduler import start_scheduler

log = logging.getLogger(__name__)
# How long a stopping bot gives the work of requests it acked (a declaration waiting on a
# lock) to end: well inside the 30 s orchestrators usually allow before they kill.
FINISH_WITHIN = 10.0
# Slack's largest payloads (a full modal's state) are tens of kilobytes.
MAX_BODY = 1024 * 1024
# Ten digits until 2286; anything longer is not a Unix time (and int() of thousands of digits
# raises).
_MAX_TIMESTAMP_DIGITS = 12


def _quiet_bolt_logger() -> logging.Logger:
    """Bolt's logger, at WARNING: at INFO Bolt writes the whole body of a badly signed request.

    Bolt copies this logger's level onto each of its own loggers when it builds them."""
    bolt_log = logging.getLogger("slack_bolt")
    bolt_log.setLevel(logging.WARNING)
    return bolt_log


def create_bolt_app(services: Services) -> AsyncApp:
    """The Bolt app with every listener; services reach listeners as the `services` argument."""
    settings = services.settings
    app = AsyncApp(
        signing_secret=settings.signing_secret,
        client=services.gateway.client,
        logger=_quiet_bolt_logger(),
        # Bolt answers when the listener returns, and handlers/replies.py returns the moment
        # the listener acks, its work carrying on: Slack gets its answer at once, instead of
        # at Bolt's next look (every 10 ms) for an ack made while the listener runs on.
        process_before_response=True,
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
    collector = asyncio.create_task(collect_when_quiet(services.acks, stopping))
    try:
        yield
    finally:
        # Requests have stopped coming in: what was acked is finished before anything closes.
        await finish_work(FINISH_WITHIN)
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        stopping.set()
        services.outbox.wake()
        await worker
        await collector
        await services.close()
        gc.unfreeze()


def create_asgi(
    services: Services,
    bolt: AsyncApp | None = None,
    extra_routes: Sequence[BaseRoute] = (),
    *,
    schedule: bool = True,
) -> Starlette:
    """POST /slack/events, GET /healthz and GET /status (plus extra_routes, for the playground)."""
    handler = AsyncSlackRequestHandler(bolt or create_bolt_app(services))
    verifier = SignatureVerifier(services.settings.signing_secret or "")

    async def slack_events(request: Request) -> Response:
        body = await _bounded_body(request)
        if body is None:
            # Close: an oversized sender must not make us read (and discard) the rest.
            return Response(status_code=413, headers={"Connection": "close"})
        # Checked here, before Bolt sees the request: Bolt answers a non-numeric timestamp
        # with a 500 and logs the body of every request it refuses.
        if not _signed(verifier, body, request):
            return Response(status_code=401)
        # Work after other requests' acks waits for this one's (bot/slack/acks_first.py):
        # counted once it is Slack's, so a body trickling in or a flood of forged requests
        # holds nothing back.
        number = services.acks.arrived()
        try:
            return await _answer(request, body)
        finally:
            services.acks.acked(number)

    async def _answer(request: Request, body: bytes) -> Response:
        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            return await handler.handle(Request(request.scope, replay))
        except Exception:
            # Bolt parses the body as it likes it; a signed body it cannot parse is Slack's
            # odd request, not an attack: say nothing more than that.
            log.warning("ignored a signed but malformed Slack request", exc_info=True)
            return Response(status_code=200)

    async def healthz(_: Request) -> Response:
        try:
            return JSONResponse(await services.health())
        except TimeoutError:
            log.warning("health check failed: the database took no write in time")
        except Exception:
            log.exception("health check failed")
        return JSONResponse({"ok": False}, status_code=503)

    async def status(_: Request) -> Response:
        try:
            page = render_status(await services.status.page())
        except Exception:
            log.exception("the status page could not be read")
            return Response("status unavailable", status_code=503, media_type="text/plain")
        # Read-only and current: no caching by proxies, no framing by other sites.
        return HTMLResponse(
            page,
            headers={
                "Cache-Control": "no-store",
                "X-Frame-Options": "DENY",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                "img-src data:; frame-ancestors 'none'",
            },
        )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with running(services, schedule=schedule):
            yield

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/status", status, methods=["GET"]),
            *extra_routes,
        ],
        lifespan=lifespan,
    )


async def _bounded_body(request: Request) -> bytes | None:
    """The request's body, or None once it is known to exceed MAX_BODY (declared or counted)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        return None
    # Chunked bodies declare no length: count as they arrive and stop at the limit.
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def _signed(verifier: SignatureVerifier, body: bytes, request: Request) -> bool:
    """Whether Slack signed this body, recently; malformed headers are simply unsigned."""
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > _MAX_TIMESTAMP_DIGITS:
        return False
    try:
        return verifier.is_valid(body, timestamp, signature)
    except UnicodeDecodeError:  # Slack only ever sends UTF-8
        return False


async def run_socket_mode(services: Services) -> None:
    """Socket Mode: the same listeners over a websocket, with the delivery worker beside it."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(create_bolt_app(services), services.settings.app_token)
    async with running(services):
        await handler.start_async()  # type: ignore[no-untyped-call]
