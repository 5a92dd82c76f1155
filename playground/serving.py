"""Serve an ASGI app with uvicorn from a background thread on a port of its own."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Literal

import uvicorn


class ThreadedServer:
    """uvicorn in a daemon thread; start() returns once connections are accepted."""

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        lifespan: Literal["auto", "on", "off"] = "on",
        name: str = "asgi",
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._lifespan = lifespan
        self._name = name
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
        """A listening socket; port 0 picks a free one, readable before the app exists."""
        # IPPROTO_TCP named, not left 0: asyncio turns Nagle off (TCP_NODELAY) only on the
        # connections of a socket made so. Without it, a response written as headers then body
        # sat 40 ms on a kept-alive connection, until the client's delayed ACK came.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # Room for a burst of connections: four bot processes each deliver 100 at once.
        sock.listen(1024)
        return sock

    def start(self, sock: socket.socket | None = None) -> ThreadedServer:
        """Serve on sock (or a fresh one) until stop()."""
        if self._thread is not None:
            raise RuntimeError(f"{self._name} already started")
        sock = sock or self.bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan=self._lifespan,
            timeout_graceful_shutdown=1,
        )
        # uvicorn installs no signal handlers off the main thread.
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=self._name, daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self._server = self._thread = None
                sock.close()
                raise RuntimeError(f"{self._name} failed to start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._server = self._thread = None
