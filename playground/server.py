"""The playground: the real bot, a local Slack emulator and a web page, in one process.

The page never talks to the bot directly: every command, click and form goes to the bot's
own POST /slack/events over HTTP to the address it listens on, shaped and signed as Slack
would send it.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.config import Plan
from bot.services import Services
from handlers.commands import COMMANDS
from playground.demo import (
    DemoUser,
    command_hints,
    demo_users,
    escape_mentions,
    other_users,
    workspace_channels,
    workspace_users,
)
from playground.demo_target import DEMO_MONITOR, DemoTarget, with_demo_monitor
from playground.fake_slack import FakeSlack
from playground.guard import PlaygroundGuard, local_url
from playground.html import RenderContext, render_message, render_view
from playground.slack_requests import (
    block_actions_body,
    signed_headers,
    slash_command_body,
    view_submission_body,
)
from scheduled import jobs as scheduled_jobs

STATIC = Path(__file__).parent / "static"


class Playground:
    """Routes for the page, the emulator mounted at /fake, and the bridge to the bot."""

    def __init__(self, plan: Plan, *, port: int, host: str = "127.0.0.1") -> None:
        self.plan = plan
        self.port = port
        self.host = host
        self.signing_secret = secrets.token_hex(16)
        # Per process, like the signing secret: the emulator's Web API answers only this bot.
        self.bot_token = "xoxb-playground-" + secrets.token_hex(16)
        self.fake = FakeSlack(
            users=[*workspace_users(plan), {"id": "UBOT", "name": "supportbot", "is_bot": True}],
            channels=workspace_channels(plan),
        )
        self.hints = {h.command: h for h in command_hints(list(COMMANDS))}
        self.services: Services | None = None  # set once the bot is built
        self.demo_target = DemoTarget()
        self._listeners: set[asyncio.Queue[str]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.fake.subscribe(self._on_change)

    @property
    def base_url(self) -> str:
        """Where the playground reaches itself: the address it is bound to."""
        return local_url(self.host, self.port)

    @property
    def api_url(self) -> str:
        """SLACK_API_URL for the bot: the emulator, in this same server."""
        return f"{self.base_url}/fake/api/"

    def routes(self) -> list[BaseRoute]:
        """Everything the playground adds to the bot's ASGI app."""
        return [
            Mount("/fake", app=self.fake.asgi_app),
            Mount("/static", app=StaticFiles(directory=STATIC)),
            Route("/", self.index),
            # Browsers ask for it on every load; without it, each load logs a 404.
            Route("/favicon.ico", self.favicon),
            Route("/pg/state", self.state),
            Route("/pg/pane", self.pane),
            Route("/pg/thread", self.thread),
            Route("/pg/modal", self.modal),
            Route("/pg/home", self.home),
            Route("/pg/events", self.events),
            Route("/pg/command", self.command, methods=["POST"]),
            Route("/pg/action", self.action, methods=["POST"]),
            Route("/pg/submit", self.submit, methods=["POST"]),
            Route("/pg/close", self.close, methods=["POST"]),
            Route("/pg/jobs", self.jobs),
            Route("/pg/jobs/{name}", self.run_job, methods=["POST"]),
            *self.demo_target.routes(),
        ]

    # -- the page ---------------------------------------------------------------------

    async def index(self, _: Request) -> Response:
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    async def favicon(self, _: Request) -> Response:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    async def people(self) -> list[DemoUser]:
        """One person per level: whoever is on call for it now, so pages reach their DMs."""
        assert self.services is not None
        roster = await self.services.oncall.roster()
        return demo_users(self.plan, [level.people for level in roster.levels])

    async def state(self, _: Request) -> Response:
        # The plan's channels, then those the bot created (a Tier 1 incident's), as Slack lists
        # a channel you were added to.
        channels = [{"id": c["id"], "name": c["name"]} for c in self.fake_channels()]
        people = await self.people()

        def person(p: DemoUser) -> dict[str, str]:
            return {"id": p.id, "name": p.name, "role": p.role}

        return JSONResponse(
            {
                "people": [person(p) for p in people],
                "others": [person(p) for p in other_users(self.plan, people)],
                "channels": channels,
                "commands": sorted(COMMANDS),
                "demo": {"monitor": DEMO_MONITOR, "up": self.demo_target.up},
                "hints": [
                    {"command": h.command, "description": h.description, "usage": h.usage_hint}
                    for h in self.hints.values()
                ],
            }
        )

    def _context(self, channel: str | None = None, view_id: str | None = None) -> RenderContext:
        users = {u["id"]: u.get("real_name") or u["name"] for u in self.fake_users()}
        channels = {c["id"]: c["name"] for c in self.fake_channels()}
        return RenderContext(
            users=users,
            channels=channels,
            channel_id=channel,
            message_ts=None,
            view_id=view_id,
            files=self.fake.file_urls(),
            timezone=ZoneInfo(self.plan.timezone),
        )

    def fake_users(self) -> list[dict[str, Any]]:
        return [u for u in (self.fake.user(p["id"]) for p in self._all_user_ids()) if u]

    def _all_user_ids(self) -> list[dict[str, str]]:
        return [{"id": u["id"]} for u in workspace_users(self.plan)] + [{"id": "UBOT"}]

    def fake_channels(self) -> list[dict[str, Any]]:
        known = workspace_channels(self.plan)
        created = [c for c in (self.fake.channel_by_name(n) for n in self._created_names()) if c]
        return known + created

    def _created_names(self) -> list[str]:
        return [c.args["name"] for c in self.fake.delivered("conversations.create")]

    async def pane(self, request: Request) -> Response:
        """The messages of a channel (or a person's DM with the bot) as that person sees them."""
        user = request.query_params.get("user", "")
        channel = request.query_params.get("channel", "")
        if channel == "dm":
            channel = self.fake.dm_channel(user) or ""
        messages = self.fake.messages(channel) if channel else []
        visible = [m for m in messages if m.get("ephemeral_for") in (None, user)]
        ctx = self._context(channel)
        html = "".join(str(render_message(m, ctx=ctx)) for m in visible)
        return HTMLResponse(html or '<p class="empty">No messages yet.</p>')

    async def thread(self, request: Request) -> Response:
        user, channel = request.query_params.get("user", ""), request.query_params["channel"]
        messages = self.fake.thread(channel, request.query_params["ts"])
        ctx = self._context(channel)
        visible = [m for m in messages if m.get("ephemeral_for") in (None, user)]
        return HTMLResponse("".join(str(render_message(m, ctx=ctx)) for m in visible))

    async def modal(self, request: Request) -> Response:
        """The top modal open for a person, if any."""
        user = request.query_params.get("user", "")
        modals = [v for v in self.fake.views_for(user) if v.get("type") == "modal"]
        if not modals:
            return HTMLResponse("")
        view = modals[-1]
        errors = json.loads(request.query_params.get("errors") or "{}")
        return HTMLResponse(
            str(render_view(view, ctx=self._context(view_id=view["id"]), errors=errors))
        )

    async def home(self, request: Request) -> Response:
        """Open the App Home as a person: the bot hears app_home_opened and publishes."""
        user = request.query_params.get("user", "")
        if request.query_params.get("open") == "1":
            await self._send_event(
                {
                    "type": "app_home_opened",
                    "user": user,
                    "tab": "home",
                    "channel": f"D{user}",
                    "event_ts": "0",
                }
            )
        homes = [v for v in self.fake.views_for(user) if v.get("type") == "home"]
        if not homes:
            return HTMLResponse('<p class="empty">The bot has not published a home yet.</p>')
        return HTMLResponse(str(render_view(homes[-1], ctx=self._context(view_id=homes[-1]["id"]))))

    # -- live updates -----------------------------------------------------------------

    def _on_change(self, event: dict[str, Any]) -> None:
        if event.get("type") == "api_call" or self._loop is None:
            return
        channel = event.get("channel")
        # A DM with the bot is "D" + the person (the emulator's naming): say whose it is.
        dm_for = (
            channel[1:]
            if isinstance(channel, str) and channel[:1] == "D" and self.fake.dm_channel(channel[1:])
            else None
        )
        summary = json.dumps(
            {
                "type": event.get("type"),
                "channel": channel,
                "user": event.get("user"),
                "dm_for": dm_for,
            }
        )
        for queue in list(self._listeners):
            self._loop.call_soon_threadsafe(queue.put_nowait, summary)

    async def events(self, request: Request) -> Response:
        """Server-sent events: one line per change in the emulated workspace."""
        self._loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._listeners.add(queue)

        async def stream() -> AsyncIterator[str]:
            try:
                yield ": connected\n\n"
                while not await request.is_disconnected():
                    try:
                        item = await asyncio.wait_for(queue.get(), timeout=15)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    yield f"data: {item}\n\n"
            finally:
                self._listeners.discard(queue)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    # -- what a person does, delivered to the bot as Slack would ----------------------

    async def command(self, request: Request) -> Response:
        """A slash command typed in the composer."""
        form = await request.json()
        user, channel, line = (
            form["user"],
            self._channel(form["user"], form["channel"]),
            form["text"],
        )
        name, _, text = line.strip().partition(" ")
        if name not in COMMANDS:
            await self._ephemeral(
                channel,
                user,
                {
                    "text": f"{name} is not a command of this app. Try one of: "
                    + ", ".join(sorted(COMMANDS))
                },
            )
            return JSONResponse({"ok": False, "error": "unknown_command"})
        hint = self.hints.get(name)
        if hint is not None and hint.escapes_mentions:
            text = escape_mentions(text, self.fake_users(), self.fake_channels())
        body = slash_command_body(
            command=name,
            text=text,
            user_id=user,
            channel_id=channel,
            response_url=self._response_url(channel, user),
        )
        answer = await self._send(body)
        if answer.status_code == 200 and answer.content:
            # Slack shows a slash command's ack body to the typist only.
            await self._ephemeral(channel, user, answer.json())
        return JSONResponse({"ok": answer.status_code == 200, "status": answer.status_code})

    async def action(self, request: Request) -> Response:
        """A click, pick or tick on a message or inside a modal."""
        form = await request.json()
        user = form["user"]
        action = {k: v for k, v in form["action"].items() if v is not None}
        if form.get("view_id"):
            view = next((v for v in self.fake.views_for(user) if v["id"] == form["view_id"]), None)
            if view is None:
                return JSONResponse({"ok": False, "error": "view_not_found"})
            body = block_actions_body(user_id=user, action=action, view=view)
        else:
            channel, ts = form["channel"], form["ts"]
            message = self.fake.message(channel, ts)
            if message is None:
                return JSONResponse({"ok": False, "error": "message_not_found"})
            body = block_actions_body(
                user_id=user,
                action=action,
                message=message,
                channel_id=channel,
                response_url=self._response_url(channel, user, ts),
            )
        answer = await self._send(body)
        return JSONResponse({"ok": answer.status_code == 200, "status": answer.status_code})

    async def submit(self, request: Request) -> Response:
        """A modal's submit button: the bot may answer with errors to show on fields."""
        form = await request.json()
        user = form["user"]
        view = next((v for v in self.fake.views_for(user) if v["id"] == form["view_id"]), None)
        if view is None:
            return JSONResponse({"ok": False, "error": "view_not_found"})
        body = view_submission_body(user_id=user, view=view, values=form["values"])
        answer = await self._send(body)
        reply = answer.json() if answer.content else {}
        if reply.get("response_action") == "errors":
            return JSONResponse({"ok": False, "errors": reply.get("errors", {})})
        self.fake.close_view(view["id"])
        return JSONResponse({"ok": answer.status_code == 200})

    async def close(self, request: Request) -> Response:
        form = await request.json()
        self.fake.close_view(form["view_id"])
        return JSONResponse({"ok": True})

    async def jobs(self, _: Request) -> Response:
        assert self.services is not None
        return JSONResponse(
            [
                {"name": j.name, "title": j.title, "schedule": j.schedule}
                for j in scheduled_jobs.jobs(self.services)
            ]
        )

    async def run_job(self, request: Request) -> Response:
        """Run a scheduled job now."""
        assert self.services is not None
        try:
            chosen = scheduled_jobs.job(self.services, request.path_params["name"])
        except KeyError:
            return JSONResponse({"ok": False, "error": "unknown_job"}, status_code=404)
        result = await chosen.run(self.services)
        return JSONResponse(
            {"ok": True, "result": str(result), "said": _said(chosen.title, result)}
        )

    # -- plumbing ---------------------------------------------------------------------

    def _channel(self, user: str, channel: str) -> str:
        if channel == "dm":
            return self.fake.dm_channel(user) or f"D{user}"
        return channel

    def _response_url(self, channel: str, user: str, ts: str | None = None) -> str:
        return (
            f"{self.base_url}/fake/hooks/{quote(channel)}/{quote(user)}/{ts or '-'}/"
            f"{secrets.token_hex(8)}"
        )

    async def _ephemeral(self, channel: str, user: str, message: dict[str, Any]) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            await client.post(
                self._response_url(channel, user), json={**message, "response_type": "ephemeral"}
            )

    async def _send(self, body: bytes, content_type: str | None = None) -> httpx.Response:
        headers = signed_headers(self.signing_secret, body)
        if content_type:
            headers["Content-Type"] = content_type
        async with httpx.AsyncClient(base_url=self.base_url, timeout=10) as client:
            return await client.post("/slack/events", content=body, headers=headers)

    async def _send_event(self, event: dict[str, Any]) -> httpx.Response:
        envelope = {
            "token": "fake-verification-token",
            "team_id": "T0TEAM",
            "api_app_id": "A0APP",
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": 0,
            "event": event,
        }
        return await self._send(json.dumps(envelope).encode(), "application/json")


def build_playground(
    plan: Plan, database_url: str, port: int, host: str = "127.0.0.1"
) -> tuple[Any, Playground]:
    """The bot's ASGI app with the playground mounted beside /slack/events, guarded."""
    from bot.app import create_asgi
    from bot.config import Settings
    from bot.services import build_services

    plan = with_demo_monitor(plan, local_url(host, port))
    playground = Playground(plan, port=port, host=host)
    settings = Settings(
        bot_token=playground.bot_token,
        signing_secret=playground.signing_secret,
        api_url=playground.api_url,
        database_url=database_url,
    )
    playground.services = build_services(settings, plan)
    app = create_asgi(playground.services, extra_routes=playground.routes())
    guarded = PlaygroundGuard(app, host=host, port=port, bot_token=playground.bot_token)
    return guarded, playground


def _said(title: str, result: object) -> str:
    """What the panel says after a run: a run with nothing to do says so, not nothing."""
    if isinstance(result, scheduled_jobs.Note):
        return f"{title}: {result}"
    idle = not any(result.values()) if isinstance(result, dict) else not result
    return f"{title}: nothing was due." if idle else f"Ran {title}."
