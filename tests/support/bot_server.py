"""supportbot's real ASGI app served by uvicorn on a real port, from a background thread."""

from __future__ import annotations

import json

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import create_asgi
from bot.clock import Clock
from bot.config import Plan, Settings
from bot.services import Services, build_services
from playground.serving import ThreadedServer
from scheduled.jobs import job


class BotServer:
    """Starts the app exactly as `supportbot serve` does, minus the process.

    One test-only route runs a scheduled job on the bot's own event loop, the way the
    scheduler would: POST /test/jobs/NAME."""

    def __init__(
        self, settings: Settings, plan: Plan, clock: Clock | None = None, *, schedule: bool = True
    ) -> None:
        self.services: Services = build_services(settings, plan, clock)

        async def run_job(request: Request) -> Response:
            found = job(self.services, request.path_params["name"])
            return JSONResponse(
                {"result": json.loads(json.dumps(await found.run(self.services), default=str))}
            )

        self._server = ThreadedServer(
            create_asgi(
                self.services,
                schedule=schedule,
                extra_routes=[Route("/test/jobs/{name}", run_job, methods=["POST"])],
            ),
            name="supportbot",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def run_job(self, name: str) -> object:
        """Run a scheduled job now (the SLA watcher, the handoff…) and return its result."""
        response = httpx.post(f"{self.url}/test/jobs/{name}", timeout=60)
        response.raise_for_status()
        return response.json()["result"]

    def start(self) -> BotServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> BotServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
