"""supportbot's real ASGI app served by uvicorn on a real port, from a background thread."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from bot.app import create_asgi
from bot.clock import Clock
from bot.config import Plan
from bot.services import Services, build_services
from bot.settings import Settings


class BotServer:
    """Starts the app exactly as `supportbot serve` does, minus the process."""

    def __init__(
        self, settings: Settings, plan: Plan, clock: Clock | None = None, *, schedule: bool = True
    ) -> None:
        self.services: Services = build_services(settings, plan, clock)
        self._schedule = schedule
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BotServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_asgi(self.services, schedule=self._schedule),
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="supportbot", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("supportbot failed to start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> BotServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
