"""Who may talk to the playground: a page it served, and the bot inside it.

Anyone who reaches the playground can act as any person, so it listens on loopback (unless
told otherwise) and refuses what a web page elsewhere could make a browser send: another
Host (DNS rebinding), another Origin, and form or text bodies, which need no CORS preflight.
"""

from __future__ import annotations

import ipaddress

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# Addresses that mean "every interface": the playground reaches itself on loopback.
WILDCARDS = {"", "0.0.0.0", "::"}
# Bodies the playground's own endpoints accept: a cross-site form or beacon cannot send JSON.
GUARDED_PREFIXES = ("/pg/", "/fake/")
# The emulator's Web API answers only the bot that the playground built, by its token.
WEB_API_PREFIX = "/fake/api/"
# Upload URLs carry their own secret (as Slack's do) and take raw bytes, no token.
UPLOAD_PREFIX = "/fake/upload/"


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """Whether binding to host keeps the port to this machine."""
    ip = _ip(host)
    return host.lower() == "localhost" or (ip is not None and ip.is_loopback)


def local_url(host: str, port: int) -> str:
    """Where the playground reaches itself when bound to host."""
    if host in WILDCARDS:
        host = "::1" if host == "::" else "127.0.0.1"
    ip = _ip(host)
    name = f"[{ip}]" if ip is not None and ip.version == 6 else host
    return f"http://{name}:{port}"


def _split_host(header: str) -> tuple[str, int | None]:
    name, colon, port = header.rpartition(":")
    if not colon or name.endswith(":") or (name.startswith("[") and not name.endswith("]")):
        return header, None  # no port (a bare IPv6 address has colons but no brackets)
    return name, int(port) if port.isdigit() else -1


class PlaygroundGuard:
    """ASGI middleware: 403 for requests the playground's page and bot would never send."""

    def __init__(self, app: ASGIApp, *, host: str, port: int, bot_token: str) -> None:
        self.app = app
        self.host = host.lower()
        self.port = port
        self.bot_token = bot_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(Headers(scope=scope), scope["method"], scope["path"])
            if refusal is not None:
                await PlainTextResponse(refusal, status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, headers: Headers, method: str, path: str) -> str | None:
        """Why this request is refused, or None."""
        host = headers.get("host", "").lower()
        if not self._our_host(host):
            return "Host is not this playground's address"
        origin = headers.get("origin")
        if origin is not None and origin.lower() != f"http://{host}":
            return "requests from other sites are not accepted"
        if path.startswith(WEB_API_PREFIX):
            if headers.get("authorization") != f"Bearer {self.bot_token}":
                return "the emulator's Web API answers only the playground's bot"
        elif (
            method not in ("GET", "HEAD")
            and path.startswith(GUARDED_PREFIXES)
            and not path.startswith(UPLOAD_PREFIX)
        ):
            media_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if media_type != "application/json":
                return "send application/json"
        return None

    def _our_host(self, header: str) -> bool:
        name, port = _split_host(header)
        if port != self.port and not (port is None and self.port == 80):
            return False
        if name in ("localhost", self.host):
            return True
        ip = _ip(name)
        if ip is None:  # a DNS name that is not ours: rebinding
            return False
        return self.host in WILDCARDS or ip.is_loopback or ip == _ip(self.host)
