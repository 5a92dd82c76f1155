"""A website on loopback that a test takes down, slows or brings back: what monitors probe."""

from __future__ import annotations

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class HttpTarget:
    """Answers GET with `status` after `delay` seconds, counting the requests it got."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.status = 200
        self.delay = 0.0
        self.body = b"ok: shop is open"
        self.hits = 0
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                target.hits += 1
                if target.delay:
                    time.sleep(target.delay)
                self.send_response(target.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(target.body)))
                self.end_headers()
                self.wfile.write(target.body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/health"

    def up(self) -> None:
        self.status, self.delay = 200, 0.0

    def down(self, status: int = 500) -> None:
        self.status = status

    def __enter__(self) -> HttpTarget:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
