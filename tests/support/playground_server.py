"""The playground (bot + emulator + page) on a real port, from a background thread."""

from __future__ import annotations

from bot.config import Plan
from bot.store import Mode, open_database
from playground.server import Playground, build_playground
from playground.serving import ThreadedServer


class PlaygroundServer:
    """Runs exactly what `supportbot playground` runs."""

    def __init__(self, plan: Plan, database_url: str) -> None:
        self._plan = plan
        self._database_url = database_url
        self.playground: Playground | None = None
        self._server: ThreadedServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}"

    def start(self) -> PlaygroundServer:
        # The page's bot calls the emulator on the same port, so bind before building.
        sock = ThreadedServer.bind()
        open_database(self._database_url, Mode.PLAYGROUND, adopt_unmarked=False)
        app, self.playground = build_playground(
            self._plan, self._database_url, sock.getsockname()[1]
        )
        self._server = ThreadedServer(app, name="playground").start(sock)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def __enter__(self) -> PlaygroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
