"""FakeSlackServer: a FakeSlack served over real HTTP for slack_sdk's clients to call."""

from __future__ import annotations

import secrets

from playground.fake_slack.fake import FakeSlack
from playground.serving import ThreadedServer


class FakeSlackServer:
    """Serves a FakeSlack over HTTP on 127.0.0.1 from a daemon thread."""

    def __init__(self, fake: FakeSlack | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.fake = fake if fake is not None else FakeSlack()
        self.host = host
        self._server = ThreadedServer(
            self.fake.asgi_app, host=host, port=port, lifespan="off", name="fake-slack"
        )

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        """Root URL of the server, without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL / slack_sdk's base_url should be (trailing slash included)."""
        return f"{self.base_url}/api/"

    def response_url(self, channel_id: str, user_id: str, message_ts: str | None = None) -> str:
        """A response_url served by this fake; posts to it act on `channel_id` for `user_id`."""
        return (
            f"{self.base_url}/hooks/{channel_id}/{user_id}/{message_ts or '-'}/"
            f"{secrets.token_hex(8)}"
        )

    def start(self) -> FakeSlackServer:
        """Bind a port, start serving, and return once connections are accepted."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to finish."""
        self._server.stop()

    def __enter__(self) -> FakeSlackServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
