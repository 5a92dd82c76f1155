"""supportbot's real ASGI app served by uvicorn on a real port, from a background thread."""

from __future__ import annotations

from bot.app import create_asgi
from bot.clock import Clock
from bot.config import Plan
from bot.services import Services, build_services
from bot.settings import Settings
from playground.serving import ThreadedServer


class BotServer:
    """Starts the app exactly as `supportbot serve` does, minus the process."""

    def __init__(
        self, settings: Settings, plan: Plan, clock: Clock | None = None, *, schedule: bool = True
    ) -> None:
        self.services: Services = build_services(settings, plan, clock)
        self._server = ThreadedServer(
            create_asgi(self.services, schedule=schedule), name="supportbot"
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def start(self) -> BotServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> BotServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
