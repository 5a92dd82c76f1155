"""In-memory fake of the Slack Web API, served over real HTTP to slack_sdk's clients."""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import itertools
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from playground import blockkit
from playground.serving import ThreadedServer
from playground.slack_requests import APP_ID, BOT_ID, TEAM_DOMAIN, TEAM_ID, trigger_info

logger = logging.getLogger(__name__)

Event = dict[str, Any]
Listener = Callable[[Event], None]

# In form bodies Slack (and slack_sdk) send structured arguments as JSON strings.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
_CHANNEL_NAME = re.compile(r"^[a-z0-9_-]+$")
_MAX_MODAL_STACK = 3


@dataclass(frozen=True)
class Call:
    """One recorded Web API request and how the fake answered it."""

    method: str
    args: dict[str, Any]
    status: int
    ok: bool
    error: str | None
    at: float
    response: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


class _ApiError(Exception):
    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class _Fault:
    method: str
    status: int
    retry_after: int | None
    error: str | None
    remaining: int | None = None
    until: float | None = None
    # fail: answer an error without acting; lose: act, then answer 500 (the answer was lost);
    # hold: act, then keep the answer back for `hold` seconds.
    mode: str = "fail"
    where: Callable[[dict[str, Any]], bool] | None = None
    active: Callable[[], bool] | None = None
    hold: float = 0.0


@dataclass
class _Channel:
    id: str
    name: str
    created: int
    creator: str
    members: list[str]
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_api(self, bot_user_id: str) -> dict[str, Any]:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
                "is_open": True,
                "priority": 0,
                "last_read": "0000000000.000000",
                "latest": None,
                "unread_count": 0,
                "unread_count_display": 0,
            }
        api: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_mpim,
            "is_group": False,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private or self.is_mpim,
            "created": self.created,
            "creator": self.creator,
            "is_archived": False,
            "is_general": False,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "pending_shared": [],
            "is_pending_ext_shared": False,
            "is_member": bot_user_id in self.members,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }
        api.update(copy.deepcopy(self.extra))
        return api


@dataclass
class _Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None
    bot: bool = False
    ephemeral_for: str | None = None
    reply_broadcast: bool = False
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass
class _View:
    id: str
    payload: dict[str, Any]
    hash: str
    user: str | None
    root_view_id: str
    previous_view_id: str | None = None
    open: bool = True

    def to_api(self) -> dict[str, Any]:
        p = copy.deepcopy(self.payload)
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "type": p.get("type"),
            "title": p.get("title"),
            "submit": p.get("submit"),
            "close": p.get("close"),
            "blocks": p.get("blocks", []),
            "private_metadata": p.get("private_metadata", ""),
            "callback_id": p.get("callback_id", ""),
            "external_id": p.get("external_id", ""),
            "state": {"values": {}},
            "hash": self.hash,
            "clear_on_close": bool(p.get("clear_on_close", False)),
            "notify_on_close": bool(p.get("notify_on_close", False)),
            "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }


class FakeSlack:
    """An in-memory Slack workspace that answers Web API calls and records every one of them.

    Thread-safe: requests are handled on the server's thread while tests read from theirs.
    """

    def __init__(
        self,
        *,
        users: list[dict[str, Any]] | None = None,
        channels: list[dict[str, Any]] | None = None,
        bot_user_id: str = "UBOT",
        strict_blocks: bool = True,
        trigger_ttl: float | None = 3.0,
    ) -> None:
        self.bot_user_id = bot_user_id
        self.strict_blocks = strict_blocks
        self.trigger_ttl = trigger_ttl
        self._initial_users = copy.deepcopy(users or [])
        self._initial_channels = copy.deepcopy(channels or [])
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self.calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._release = threading.Event()
        self._pending: list[Event] = []
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, _Channel] = {}
        self._messages: dict[str, list[_Message]] = {}
        self._views: dict[str, _View] = {}
        self._stacks: dict[str, list[str]] = {}  # user id ("" if unknown) -> open modal ids
        self._homes: dict[str, str] = {}  # user id -> App Home view id
        self._used_triggers: set[str] = set()
        self._last_stack: str | None = None
        self._last_ts_us = 0
        self._ids = itertools.count(1)
        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.create": self._conversations_create,
            "conversations.invite": self._conversations_invite,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "conversations.members": self._conversations_members,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
        }
        self._reset_state()
        self.asgi_app = Starlette(
            routes=[
                Route("/api/{method}", self._api_endpoint, methods=["GET", "POST"]),
                Route("/hooks/{channel}/{user}/{ts}/{key}", self._hook_endpoint, methods=["POST"]),
            ]
        )

    # -- recorder -------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call to `method`, failed ones included, oldest first."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def delivered(self, method: str) -> list[Call]:
        """Calls to `method` that were answered ok."""
        return [c for c in self.calls_to(method) if c.ok]

    def invalid_calls(self) -> list[Call]:
        """Calls rejected because their blocks or view broke Block Kit limits."""
        with self._lock:
            return [c for c in self.calls if c.error == "invalid_blocks"]

    def wait_for(
        self,
        method: str,
        *,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
    ) -> list[Call]:
        """Poll until `count` calls to `method` match, and return all matching calls.

        By default only successful calls count (`ok=None` counts any, `ok=False` only
        failures), so a retried request is not mistaken for a delivered one.
        """
        deadline = time.monotonic() + timeout
        while True:
            matching = [
                c
                for c in self.calls_to(method)
                if (ok is None or c.ok == ok) and (where is None or where(c))
            ]
            if len(matching) >= count:
                return matching
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"expected {count} {method} call(s) (ok={ok}) within {timeout}s, "
                    f"found {len(matching)}; recorded calls:\n{self._describe_calls()}"
                )
            time.sleep(0.01)

    def reset(self) -> None:
        """Forget calls, faults and workspace changes; subscribers stay subscribed."""
        with self._lock:
            self._reset_state()

    # -- fault injection ------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Make the next `times` calls to `method` ("*" = any) fail with HTTP `status`.

        429 answers "ratelimited" (with Retry-After when given), 5xx "internal_error";
        `error` overrides the error code, e.g. status=200, error="not_in_channel";
        `where` limits it to calls whose arguments match.
        """
        with self._lock:
            self._faults.append(
                _Fault(method, status, retry_after, error, remaining=times, where=where)
            )

    def fail_for(
        self,
        method: str,
        *,
        status: int,
        seconds: float,
        retry_after: int | None = None,
        error: str | None = None,
    ) -> None:
        """Make every call to `method` ("*" = any) fail with `status` for `seconds` from now."""
        with self._lock:
            until = time.monotonic() + seconds
            self._faults.append(_Fault(method, status, retry_after, error, until=until))

    def fail_while(self, method: str, active: Callable[[], bool], *, status: int = 500) -> None:
        """Make every call to `method` ("*" = any) fail with `status` while active() is true
        (tests tie it to the bot's own clock, so a long outage passes in moments)."""
        with self._lock:
            self._faults.append(_Fault(method, status, None, None, active=active))

    def lose_next(
        self, method: str, *, times: int = 1, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> None:
        """Carry out the next `times` matching calls, then answer HTTP 500 as if the answer
        was lost on the way back: Slack has the message, the caller does not know it."""
        with self._lock:
            self._faults.append(
                _Fault(method, 500, None, None, remaining=times, mode="lose", where=where)
            )

    def hold_next(
        self,
        method: str,
        *,
        seconds: float,
        times: int = 1,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Carry out the next `times` matching calls but keep their answers back for `seconds`
        (a caller killed meanwhile never learns that Slack acted)."""
        with self._lock:
            self._faults.append(
                _Fault(
                    method, 200, None, None, remaining=times, mode="hold", where=where, hold=seconds
                )
            )

    def release_held(self) -> None:
        """Answer every held call now and hold no more."""
        with self._lock:
            self._faults = [f for f in self._faults if f.mode != "hold"]
            self._release.set()

    # -- workspace setup and user-side actions --------------------------------------------

    def add_user(self, user: dict[str, Any]) -> dict[str, Any]:
        """Add (or replace) a workspace member; returns it in users.info shape."""
        with self._lock:
            full = self._full_user(user)
            self._users[full["id"]] = full
            return copy.deepcopy(full)

    def add_channel(self, channel: dict[str, Any]) -> dict[str, Any]:
        """Add a channel ({"id", "name", optional "members", "is_private"}); returns its info."""
        with self._lock:
            ch = self._make_channel(channel)
            self._channels[ch.id] = ch
            self._messages.setdefault(ch.id, [])
            return ch.to_api(self.bot_user_id)

    def add_message(
        self,
        channel: str,
        *,
        user: str,
        text: str,
        thread_ts: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Record a message written by a person (not via the API), e.g. what an event reports.

        `channel` is an id or name; "D" + a user id opens that user's DM with the bot.
        """
        with self._lock:
            if channel.startswith("D") and channel[1:] in self._users:
                self._open_dm(channel[1:])
            try:
                ch = self._resolve_channel(channel, create=True)
            except _ApiError as exc:
                raise ValueError(f"unknown channel {channel!r}") from exc
            msg = _Message(
                channel=ch.id,
                ts=self._next_ts(),
                user=user,
                text=text,
                blocks=copy.deepcopy(blocks),
                thread_ts=self._thread_parent(ch.id, thread_ts),
            )
            self._store(msg)
            events = self._take_events()
            result = self._public(msg)
        self._emit(events)
        return result

    def close_view(self, view_id: str) -> None:
        """Close a modal as the user would (and any views pushed on top of it)."""
        with self._lock:
            for key, stack in list(self._stacks.items()):
                if view_id in stack:
                    closed = stack[stack.index(view_id) :]
                    del stack[stack.index(view_id) :]
                    for vid in closed:
                        self._views[vid].open = False
                        self._event("view_closed", view_id=vid, user=key or None)
                    if not stack:
                        del self._stacks[key]
            events = self._take_events()
        self._emit(events)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` after every state change and every API call.

        Events are dicts with a "type" ("api_call", "message", "message_changed", ...).
        Listeners run on the thread that handled the request; exceptions are logged.
        Returns a function that unsubscribes.
        """
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    # -- queries --------------------------------------------------------------------------

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages (ephemeral ones included), oldest first, by channel id or name."""
        with self._lock:
            ch = self._find_channel(channel)
            if ch is None:
                return []
            return [self._public(m) for m in self._messages.get(ch.id, []) if not m.is_reply]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The parent message (if known) followed by its replies, oldest first."""
        with self._lock:
            ch = self._find_channel(channel)
            if ch is None:
                return []
            return [
                self._public(m)
                for m in self._messages.get(ch.id, [])
                if m.ts == ts or (m.thread_ts == ts and m.is_reply)
            ]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """One message by channel and ts, or None."""
        with self._lock:
            ch = self._find_channel(channel)
            msg = self._find_message(ch.id, ts) if ch else None
            return self._public(msg) if msg else None

    def dm_channel(self, user_id: str) -> str | None:
        """The id of the bot's DM with `user_id` if it was opened, else None."""
        with self._lock:
            dm = f"D{user_id}"
            return dm if dm in self._channels else None

    def views_for(self, user_id: str) -> list[dict[str, Any]]:
        """What `user_id` sees: the open modal stack bottom-to-top, then the App Home view."""
        with self._lock:
            result = [self._views[v].to_api() for v in self._stacks.get(user_id, [])]
            if user_id in self._homes:
                result.append(self._views[self._homes[user_id]].to_api())
            return result

    def channel_by_name(self, name: str) -> dict[str, Any] | None:
        """conversations.info-shaped channel (plus "members") by name, or None."""
        with self._lock:
            ch = self._find_channel(name.lstrip("#"))
            if ch is None or ch.is_im:
                return None
            return {**ch.to_api(self.bot_user_id), "members": list(ch.members)}

    def user(self, user_id: str) -> dict[str, Any] | None:
        """users.info-shaped user, or None."""
        with self._lock:
            found = self._users.get(user_id)
            return copy.deepcopy(found) if found else None

    # -- HTTP -----------------------------------------------------------------------------

    async def _api_endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        args: dict[str, Any] = dict(request.query_params)
        pre_error: str | None = None
        raw = await request.body()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if raw:
            if content_type == "application/json":
                try:
                    body = json.loads(raw)
                except ValueError:
                    body, pre_error = {}, "invalid_json"
                if isinstance(body, dict):
                    args.update(body)
                else:
                    pre_error = "invalid_json"
            elif content_type in ("application/x-www-form-urlencoded", ""):
                args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            else:
                pre_error = "invalid_post_type"
        for key in _JSON_FIELDS:
            if isinstance(args.get(key), str) and args[key]:
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    pre_error = pre_error or (
                        "invalid_blocks_format" if key == "blocks" else "invalid_arguments"
                    )
        token: str | None = args.pop("token", None)
        authorization = request.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        status, body, headers, hold = self._process(method, args, token=token, pre_error=pre_error)
        if hold:
            await self._held(hold)
        return JSONResponse(body, status_code=status, headers=headers)

    async def _held(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self._release.is_set():
            await asyncio.sleep(0.02)

    async def _hook_endpoint(self, request: Request) -> Response:
        params = request.path_params
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = None
        args: dict[str, Any] = body if isinstance(body, dict) else {}
        args["_hook"] = {
            "channel": params["channel"],
            "user": params["user"],
            "message_ts": None if params["ts"] == "-" else params["ts"],
        }
        status, answer, headers, _ = self._process(
            "response_url", args, token=None, pre_error=None if body is not None else "invalid_json"
        )
        if status == 200 and not answer.get("ok"):
            status = 400
        return JSONResponse(answer, status_code=status, headers=headers)

    def _process(
        self, method: str, args: dict[str, Any], *, token: str | None, pre_error: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str], float]:
        status, headers = 200, {}
        hold = 0.0
        with self._lock:
            fault = self._take_fault(method, args)
            body: dict[str, Any]
            if fault is not None and fault.mode in ("lose", "hold"):
                auth_error = None if method == "response_url" else _auth_error(token)
                body = self._run(method, args) if auth_error is None else auth_error
                if fault.mode == "lose":
                    status, body = 500, {"ok": False, "error": "internal_error"}
                else:
                    hold = fault.hold
            elif fault is not None:
                status = fault.status
                default = "ratelimited" if status == 429 else "internal_error"
                if status < 500 and status != 429:
                    default = "request_failed"
                body = {"ok": False, "error": fault.error or default}
                if status == 429 and fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
            elif pre_error is not None:
                body = {"ok": False, "error": pre_error}
            else:
                auth_error = None if method == "response_url" else _auth_error(token)
                body = self._run(method, args) if auth_error is None else auth_error
            recorded_args = {k: v for k, v in args.items() if k != "_hook"}
            if "_hook" in args:
                recorded_args.update({f"hook_{k}": v for k, v in args["_hook"].items()})
            call = Call(
                method=method,
                args=copy.deepcopy(recorded_args),
                status=status,
                ok=bool(body.get("ok")),
                error=None if body.get("ok") else str(body.get("error")),
                at=time.time(),
                response=copy.deepcopy(body),
            )
            self.calls.append(call)
            self._event("api_call", call=asdict(call))
            events = self._take_events()
        self._emit(events)
        return status, body, headers, hold

    def _run(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = self._handlers.get(method)
        if method == "response_url":
            handler = self._response_url
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        try:
            return {"ok": True, **handler(args)}
        except _ApiError as exc:
            # A failed call leaves no trace, except a public channel it mentioned: that one
            # "always existed" (see _resolve_channel), so watchers still need to hear of it.
            self._pending = [e for e in self._pending if e["type"] == "channel_created"]
            return {"ok": False, "error": exc.error, **exc.extra}
        except Exception as exc:
            logger.exception("FakeSlack bug while handling %s", method)
            self._pending = []
            return {"ok": False, "error": "fatal_error", "detail": repr(exc)}

    def _take_fault(self, method: str, args: dict[str, Any]) -> _Fault | None:
        now = time.monotonic()
        self._faults = [
            f
            for f in self._faults
            if (f.remaining is None or f.remaining > 0)
            and (f.until is None or f.until > now)
            and (f.active is None or f.active())
        ]
        for fault in self._faults:
            if fault.method in (method, "*") and (fault.where is None or fault.where(args)):
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None

    # -- Web API methods ------------------------------------------------------------------

    def _auth_test(self, a: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Supportbot Fake",
            "user": "supportbot",
            "team_id": TEAM_ID,
            "user_id": self.bot_user_id,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._post_target(a.get("channel"))
        text, blocks, attachments = self._message_content(a)
        msg = _Message(
            channel=ch.id,
            ts=self._next_ts(),
            user=self.bot_user_id,
            text=text or "",
            blocks=blocks,
            attachments=attachments,
            thread_ts=self._thread_parent(ch.id, a.get("thread_ts")),
            metadata=copy.deepcopy(a["metadata"]) if isinstance(a.get("metadata"), dict) else None,
            bot=True,
            reply_broadcast=_truthy(a.get("reply_broadcast")),
        )
        self._store(msg)
        return {"channel": ch.id, "ts": msg.ts, "message": self._api_message(msg, metadata=True)}

    def _chat_update(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=False)
        msg = self._find_message(ch.id, str(a.get("ts") or ""))
        if msg is None or msg.ephemeral_for is not None or msg.deleted:
            raise _ApiError("message_not_found")
        if msg.user != self.bot_user_id:
            raise _ApiError("cant_update_message")
        # Slack keeps the previous blocks/attachments when an update omits them.
        merged = {
            "text": msg.text if a.get("text") is None else a["text"],
            "blocks": msg.blocks if a.get("blocks") is None else a["blocks"],
            "attachments": msg.attachments if a.get("attachments") is None else a["attachments"],
        }
        text, blocks, attachments = self._message_content(merged)
        edit_ts = self._next_ts()
        msg.edits.append(
            {"text": msg.text, "blocks": msg.blocks, "attachments": msg.attachments, "ts": edit_ts}
        )
        msg.text, msg.blocks, msg.attachments = text or "", blocks, attachments
        if isinstance(a.get("metadata"), dict):
            msg.metadata = copy.deepcopy(a["metadata"])
        self._event("message_changed", channel=ch.id, message=self._public(msg))
        return {
            "channel": ch.id,
            "ts": msg.ts,
            "text": msg.text,
            "message": self._api_message(msg, metadata=True),
        }

    def _chat_post_ephemeral(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._post_target(a.get("channel"))
        user = self._user(a.get("user"))
        if ch.is_im and ch.user != user["id"]:
            raise _ApiError("user_not_in_channel")
        text, blocks, attachments = self._message_content(a)
        msg = _Message(
            channel=ch.id,
            ts=self._next_ts(),
            user=self.bot_user_id,
            text=text or "",
            blocks=blocks,
            attachments=attachments,
            thread_ts=self._thread_parent(ch.id, a.get("thread_ts")),
            bot=True,
            ephemeral_for=user["id"],
        )
        self._store(msg)
        return {"message_ts": msg.ts}

    def _chat_delete(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=False)
        msg = self._find_message(ch.id, str(a.get("ts") or ""))
        if msg is None or msg.ephemeral_for is not None or msg.deleted:
            raise _ApiError("message_not_found")
        if msg.user != self.bot_user_id:
            raise _ApiError("cant_delete_message")
        self._delete(msg)
        return {"channel": ch.id, "ts": msg.ts}

    def _chat_get_permalink(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=False)
        msg = self._find_message(ch.id, str(a.get("message_ts") or ""))
        if msg is None or msg.ephemeral_for is not None:
            raise _ApiError("message_not_found")
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{ch.id}/p{msg.ts.replace('.', '')}"
        if msg.is_reply:
            link += f"?thread_ts={msg.thread_ts}&cid={ch.id}"
        return {"channel": ch.id, "permalink": link}

    def _conversations_open(self, a: dict[str, Any]) -> dict[str, Any]:
        existing = a.get("channel")
        if existing:
            ch = self._channels.get(str(existing))
            if ch is None or not (ch.is_im or ch.is_mpim):
                raise _ApiError("channel_not_found")
            return {"no_op": True, "already_open": True, "channel": self._open_answer(ch, a)}
        ids = _id_list(a.get("users"))
        if not ids:
            raise _ApiError("users_list_not_supplied")
        if len(ids) > 8:
            raise _ApiError("too_many_users")
        for uid in ids:
            self._user(uid)
        if len(ids) == 1:
            already = f"D{ids[0]}" in self._channels
            ch = self._open_dm(ids[0])
        else:
            digest = hashlib.sha1(",".join(sorted(ids)).encode()).hexdigest()
            mpim_id = "G" + digest[:8].upper()
            already = mpim_id in self._channels
            if not already:
                self._add_channel_state(
                    _Channel(
                        id=mpim_id,
                        name="mpdm-" + "--".join(u.lower() for u in ids) + "-1",
                        created=int(time.time()),
                        creator=self.bot_user_id,
                        members=[*ids, self.bot_user_id],
                        is_mpim=True,
                    )
                )
            ch = self._channels[mpim_id]
        answer: dict[str, Any] = {"channel": self._open_answer(ch, a)}
        if already:
            answer.update({"no_op": True, "already_open": True})
        return answer

    def _open_answer(self, ch: _Channel, a: dict[str, Any]) -> dict[str, Any]:
        if _truthy(a.get("return_im")):
            return ch.to_api(self.bot_user_id)
        return {"id": ch.id}

    def _conversations_create(self, a: dict[str, Any]) -> dict[str, Any]:
        name = a.get("name")
        if not isinstance(name, str) or not name:
            raise _ApiError("invalid_name_required")
        if len(name) > 80:
            raise _ApiError("invalid_name_maxlength")
        if not _CHANNEL_NAME.match(name):
            raise _ApiError("invalid_name_specials")
        if not name.strip("-_"):
            raise _ApiError("invalid_name_punctuation")
        if any(c.name == name for c in self._channels.values()):
            raise _ApiError("name_taken")
        ch = _Channel(
            id=self._new_id("C", self._channels),
            name=name,
            created=int(time.time()),
            creator=self.bot_user_id,
            members=[self.bot_user_id],
            is_private=_truthy(a.get("is_private")),
        )
        self._add_channel_state(ch)
        return {"channel": ch.to_api(self.bot_user_id)}

    def _conversations_invite(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        if ch.is_im or ch.is_mpim:
            raise _ApiError("method_not_supported_for_channel_type")
        ids = _id_list(a.get("users"))
        if not ids:
            raise _ApiError("no_user")
        failures: list[dict[str, Any]] = []
        joining: list[str] = []
        for uid in ids:
            if uid == self.bot_user_id:
                failures.append({"user": uid, "ok": False, "error": "cant_invite_self"})
            elif uid not in self._users:
                failures.append({"user": uid, "ok": False, "error": "user_not_found"})
            elif uid in ch.members or uid in joining:
                failures.append({"user": uid, "ok": False, "error": "already_in_channel"})
            else:
                joining.append(uid)
        # Without force Slack rejects the whole call on the first bad user.
        if failures and not (_truthy(a.get("force")) and joining):
            raise _ApiError(failures[0]["error"], errors=failures)
        for uid in joining:
            ch.members.append(uid)
            self._event("member_joined_channel", channel=ch.id, user=uid)
        answer: dict[str, Any] = {"channel": ch.to_api(self.bot_user_id)}
        if failures:
            answer["errors"] = failures
        return answer

    def _conversations_info(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        info = ch.to_api(self.bot_user_id)
        if _truthy(a.get("include_num_members")):
            info["num_members"] = len(ch.members)
        return {"channel": info}

    def _conversations_history(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        oldest = _ts_key(a.get("oldest") or "0")
        latest = _ts_key(a["latest"]) if a.get("latest") else None
        inclusive = _truthy(a.get("inclusive"))
        visible = [
            m
            for m in reversed(self._messages[ch.id])
            if m.ephemeral_for is None
            and (not m.is_reply or m.reply_broadcast)
            and _in_range(_ts_key(m.ts), oldest, latest, inclusive)
        ]
        page, next_cursor = _paginate(visible, a, default_limit=100, max_limit=999)
        with_metadata = _truthy(a.get("include_all_metadata"))
        return {
            "messages": [self._api_message(m, metadata=with_metadata) for m in page],
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_replies(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        msg = self._find_message(ch.id, str(a.get("ts") or ""))
        if msg is None or msg.ephemeral_for is not None:
            raise _ApiError("thread_not_found")
        thread = [msg]
        if not msg.is_reply:
            thread += [
                m
                for m in self._messages[ch.id]
                if m.is_reply and m.thread_ts == msg.ts and m.ephemeral_for is None
            ]
        page, next_cursor = _paginate(thread, a, default_limit=1000, max_limit=1000)
        with_metadata = _truthy(a.get("include_all_metadata"))
        return {
            "messages": [self._api_message(m, metadata=with_metadata) for m in page],
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_members(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        page, next_cursor = _paginate(list(ch.members), a, default_limit=100, max_limit=1000)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _users_info(self, a: dict[str, Any]) -> dict[str, Any]:
        return {"user": copy.deepcopy(self._user(a.get("user")))}

    def _users_list(self, a: dict[str, Any]) -> dict[str, Any]:
        members = [copy.deepcopy(u) for u in self._users.values()]
        page, next_cursor = _paginate(members, a, default_limit=0, max_limit=1000)
        return {
            "members": page,
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _views_open(self, a: dict[str, Any]) -> dict[str, Any]:
        trigger = self._trigger_arg(a)
        payload = self._view_arg(a, allowed=("modal",))
        user = self._check_trigger(trigger)
        self._check_external_id(payload, None)
        self._used_triggers.add(trigger)
        key = user or ""
        for old in self._stacks.pop(key, []):
            self._views[old].open = False
        view = self._new_view(payload, user, root=None, previous=None)
        self._stacks[key] = [view.id]
        self._last_stack = key
        self._event("view_opened", user=user, view=view.to_api())
        return {"view": view.to_api()}

    def _views_push(self, a: dict[str, Any]) -> dict[str, Any]:
        trigger = self._trigger_arg(a)
        payload = self._view_arg(a, allowed=("modal",))
        user = self._check_trigger(trigger)
        key = user if user is not None else self._last_stack
        stack = self._stacks.get(key) if key is not None else None
        if not stack:
            raise _ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] no open modal to push a view onto"]},
            )
        if len(stack) >= _MAX_MODAL_STACK:
            raise _ApiError("push_limit_reached")
        self._check_external_id(payload, None)
        self._used_triggers.add(trigger)
        view = self._new_view(payload, user, root=stack[0], previous=stack[-1])
        stack.append(view.id)
        self._event("view_pushed", user=user, view=view.to_api())
        return {"view": view.to_api()}

    def _views_update(self, a: dict[str, Any]) -> dict[str, Any]:
        view_id, external_id = a.get("view_id"), a.get("external_id")
        if not view_id and not external_id:
            raise _ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] view_id or external_id is required"]},
            )
        view = self._views.get(str(view_id)) if view_id else self._view_by_external(external_id)
        if view is None or not view.open:
            raise _ApiError("not_found")
        payload = self._view_arg(a, allowed=(str(view.payload.get("type")),))
        if a.get("hash") and a["hash"] != view.hash:
            raise _ApiError("hash_conflict")
        self._check_external_id(payload, view.id)
        view.payload = payload
        view.hash = _view_hash()
        self._event("view_updated", user=view.user, view=view.to_api())
        return {"view": view.to_api()}

    def _views_publish(self, a: dict[str, Any]) -> dict[str, Any]:
        user_id = a.get("user_id")
        if not isinstance(user_id, str) or user_id not in self._users:
            raise _ApiError(
                "invalid_arguments", response_metadata={"messages": ["invalid `user_id`"]}
            )
        payload = self._view_arg(a, allowed=("home",))
        current = self._views.get(self._homes.get(user_id, ""))
        if current is not None and a.get("hash") and a["hash"] != current.hash:
            raise _ApiError("hash_conflict")
        self._check_external_id(payload, current.id if current else None)
        if current is None:
            current = self._new_view(payload, user_id, root=None, previous=None)
            self._homes[user_id] = current.id
        else:
            current.payload = payload
            current.hash = _view_hash()
        self._event("home_published", user=user_id, view=current.to_api())
        return {"view": current.to_api()}

    def _response_url(self, a: dict[str, Any]) -> dict[str, Any]:
        hook = a["_hook"]
        ch = self._hook_channel(hook["channel"])
        original = self._find_message(ch.id, hook["message_ts"]) if hook["message_ts"] else None
        if _truthy(a.get("delete_original")):
            if original is None:
                raise _ApiError("message_not_found")
            self._delete(original)
            return {}
        text, blocks, attachments = self._message_content(a)
        if _truthy(a.get("replace_original")):
            if original is None:
                raise _ApiError("message_not_found")
            original.edits.append(
                {"text": original.text, "blocks": original.blocks, "ts": self._next_ts()}
            )
            original.text, original.blocks = text or "", blocks
            original.attachments = attachments
            self._event("message_changed", channel=ch.id, message=self._public(original))
            return {}
        in_channel = a.get("response_type") == "in_channel"
        msg = _Message(
            channel=ch.id,
            ts=self._next_ts(),
            user=self.bot_user_id,
            text=text or "",
            blocks=blocks,
            attachments=attachments,
            thread_ts=self._thread_parent(ch.id, a.get("thread_ts")),
            bot=True,
            ephemeral_for=None if in_channel else hook["user"],
        )
        self._store(msg)
        return {}

    # -- helpers --------------------------------------------------------------------------

    def _reset_state(self) -> None:
        self.calls = []
        self._faults = []
        self._release.clear()
        self._pending = []
        self._users = {}
        self._channels = {}
        self._messages = {}
        self._views = {}
        self._stacks = {}
        self._homes = {}
        self._used_triggers = set()
        self._last_stack = None
        self._last_ts_us = 0
        self._ids = itertools.count(1)
        bot = {"id": self.bot_user_id, "name": "supportbot", "real_name": "Supportbot"}
        self._users[self.bot_user_id] = self._full_user({**bot, "is_bot": True})
        self._users[self.bot_user_id]["profile"]["bot_id"] = BOT_ID
        for user in self._initial_users:
            full = self._full_user(user)
            self._users[full["id"]] = full
        for channel in self._initial_channels:
            ch = self._make_channel(channel)
            self._channels[ch.id] = ch
            self._messages[ch.id] = []

    def _full_user(self, user: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(user.get("id"), str):
            raise ValueError(f"user needs an 'id': {user!r}")
        name = user.get("name") or user["id"].lower()
        real_name = user.get("real_name") or name
        profile = {
            "real_name": real_name,
            "display_name": name,
            "real_name_normalized": real_name,
            "display_name_normalized": name,
            "email": f"{name}@example.com",
            "image_72": "https://example.com/avatar.png",
            "team": TEAM_ID,
        }
        profile.update(copy.deepcopy(user.get("profile") or {}))
        full: dict[str, Any] = {
            "id": user["id"],
            "team_id": TEAM_ID,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": "Europe/London",
            "tz_label": "Greenwich Mean Time",
            "tz_offset": 0,
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": 1700000000,
        }
        full.update(copy.deepcopy({k: v for k, v in user.items() if k != "profile"}))
        full["profile"] = profile
        return full

    def _make_channel(self, channel: dict[str, Any]) -> _Channel:
        if not isinstance(channel.get("id"), str):
            raise ValueError(f"channel needs an 'id': {channel!r}")
        known = {"id", "name", "members", "is_private", "created", "creator"}
        return _Channel(
            id=channel["id"],
            name=channel.get("name") or channel["id"].lower(),
            created=int(channel.get("created") or 1700000000),
            creator=channel.get("creator") or self.bot_user_id,
            members=list(channel.get("members") or [self.bot_user_id]),
            is_private=bool(channel.get("is_private", False)),
            extra={k: v for k, v in channel.items() if k not in known},
        )

    def _add_channel_state(self, ch: _Channel) -> None:
        self._channels[ch.id] = ch
        self._messages.setdefault(ch.id, [])
        self._event("channel_created", channel=ch.to_api(self.bot_user_id))

    def _find_channel(self, ref: str) -> _Channel | None:
        ref = ref.lstrip("#")
        if ref in self._channels:
            return self._channels[ref]
        return next((c for c in self._channels.values() if c.name == ref and not c.is_im), None)

    def _resolve_channel(self, ref: Any, *, create: bool) -> _Channel:
        if not isinstance(ref, str) or not ref:
            raise _ApiError("channel_not_found")
        found = self._find_channel(ref)
        if found is not None:
            return found
        # Tests name arbitrary public channel ids; DMs must have been opened first.
        if create and ref.startswith("C"):
            ch = _Channel(
                id=ref,
                name=ref.lower(),
                created=int(time.time()),
                creator=self.bot_user_id,
                members=[self.bot_user_id],
            )
            self._add_channel_state(ch)
            return ch
        raise _ApiError("channel_not_found")

    def _hook_channel(self, channel_id: str) -> _Channel:
        # A response_url belongs to wherever the user acted, so that conversation exists even
        # if the app never opened it.
        if channel_id.startswith("D") and channel_id[1:] in self._users:
            return self._open_dm(channel_id[1:])
        found = self._find_channel(channel_id)
        if found is None:
            found = _Channel(
                id=channel_id,
                name=channel_id.lower(),
                created=int(time.time()),
                creator=self.bot_user_id,
                members=[self.bot_user_id],
                is_private=not channel_id.startswith("C"),
            )
            self._add_channel_state(found)
        return found

    def _post_target(self, ref: Any) -> _Channel:
        # chat.postMessage to a user id lands in the app's DM with that user.
        if isinstance(ref, str) and ref[:1] in ("U", "W") and ref in self._users:
            return self._open_dm(ref)
        return self._resolve_channel(ref, create=True)

    def _open_dm(self, user_id: str) -> _Channel:
        dm_id = f"D{user_id}"
        if dm_id not in self._channels:
            self._add_channel_state(
                _Channel(
                    id=dm_id,
                    name=dm_id,
                    created=int(time.time()),
                    creator=self.bot_user_id,
                    members=[user_id, self.bot_user_id],
                    is_im=True,
                    user=user_id,
                )
            )
        return self._channels[dm_id]

    def _user(self, ref: Any) -> dict[str, Any]:
        if not isinstance(ref, str) or ref not in self._users:
            raise _ApiError("user_not_found")
        return self._users[ref]

    def _message_content(
        self, a: dict[str, Any]
    ) -> tuple[str | None, list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
        text, blocks, attachments = a.get("text"), a.get("blocks"), a.get("attachments")
        if text is not None and not isinstance(text, str):
            text = str(text)
        if blocks is not None and not isinstance(blocks, list):
            raise _ApiError("invalid_blocks_format")
        if attachments is not None and not isinstance(attachments, list):
            raise _ApiError("invalid_attachments")
        if not text and not blocks and not attachments:
            raise _ApiError("no_text")
        if text and len(text) > blockkit.MAX_MESSAGE_TEXT:
            raise _ApiError("msg_too_long")
        if attachments and len(attachments) > 100:
            raise _ApiError("too_many_attachments")
        if self.strict_blocks and blocks is not None:
            errors = blockkit.validate_message(text, blocks, attachments=attachments)
            if errors:
                raise _ApiError(
                    "invalid_blocks", errors=errors, response_metadata={"messages": errors}
                )
        return text, copy.deepcopy(blocks), copy.deepcopy(attachments)

    def _thread_parent(self, channel_id: str, thread_ts: Any) -> str | None:
        if not thread_ts:
            return None
        parent = self._find_message(channel_id, str(thread_ts))
        # Replying to a reply threads under the original parent, as in Slack. Unknown parents
        # are accepted: tests often reply to messages that only exist in a simulated event.
        if parent is not None and parent.is_reply and parent.thread_ts:
            return parent.thread_ts
        return str(thread_ts)

    def _find_message(self, channel_id: str, ts: str) -> _Message | None:
        return next((m for m in self._messages.get(channel_id, []) if m.ts == ts), None)

    def _store(self, msg: _Message) -> None:
        self._messages.setdefault(msg.channel, []).append(msg)
        kind = "ephemeral" if msg.ephemeral_for else "message"
        self._event(kind, channel=msg.channel, message=self._public(msg))

    def _delete(self, msg: _Message) -> None:
        has_replies = any(m.is_reply and m.thread_ts == msg.ts for m in self._messages[msg.channel])
        if has_replies:
            # Slack leaves a tombstone so the thread stays reachable.
            msg.deleted, msg.text = True, "This message was deleted."
            msg.blocks = msg.attachments = None
        else:
            self._messages[msg.channel].remove(msg)
        self._event("message_deleted", channel=msg.channel, ts=msg.ts)

    def _replies(self, msg: _Message) -> list[_Message]:
        return [
            m
            for m in self._messages.get(msg.channel, [])
            if m.is_reply and m.thread_ts == msg.ts and m.ephemeral_for is None
        ]

    def _api_message(self, msg: _Message, *, metadata: bool) -> dict[str, Any]:
        api: dict[str, Any] = {
            "type": "message",
            "user": msg.user,
            "text": msg.text,
            "ts": msg.ts,
            "team": TEAM_ID,
        }
        if msg.bot:
            api.update({"bot_id": BOT_ID, "app_id": APP_ID})
        if msg.blocks is not None:
            api["blocks"] = copy.deepcopy(msg.blocks)
        if msg.attachments:
            api["attachments"] = copy.deepcopy(msg.attachments)
        if msg.deleted:
            api.update({"subtype": "tombstone", "hidden": True})
        if msg.edits:
            api["edited"] = {"user": msg.user, "ts": msg.edits[-1]["ts"]}
        if msg.is_reply:
            parent = self._find_message(msg.channel, msg.thread_ts or "")
            api["thread_ts"] = msg.thread_ts
            api["parent_user_id"] = parent.user if parent else None
            if msg.reply_broadcast:
                api["subtype"] = "thread_broadcast"
        else:
            replies = self._replies(msg)
            if replies:
                api.update(
                    {
                        "thread_ts": msg.ts,
                        "reply_count": len(replies),
                        "reply_users_count": len({r.user for r in replies}),
                        "reply_users": sorted({r.user for r in replies}),
                        "latest_reply": replies[-1].ts,
                    }
                )
        if metadata and msg.metadata is not None:
            api["metadata"] = copy.deepcopy(msg.metadata)
        return api

    def _public(self, msg: _Message) -> dict[str, Any]:
        public = self._api_message(msg, metadata=True)
        public.update(
            {
                "channel": msg.channel,
                "blocks": copy.deepcopy(msg.blocks),
                "thread_ts": msg.thread_ts if msg.is_reply else public.get("thread_ts"),
                "reply_count": len(self._replies(msg)) if not msg.is_reply else 0,
                "ephemeral_for": msg.ephemeral_for,
                "edits": len(msg.edits),
                "edit_history": copy.deepcopy(msg.edits),
                "deleted": msg.deleted,
            }
        )
        return public

    def _trigger_arg(self, a: dict[str, Any]) -> str:
        trigger = a.get("trigger_id") or a.get("interactivity_pointer")
        if not isinstance(trigger, str) or not trigger:
            raise _ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: trigger_id"]},
            )
        return trigger

    def _check_trigger(self, trigger: str) -> str | None:
        if trigger in self._used_triggers:
            raise _ApiError("exchanged_trigger_id")
        info = trigger_info(trigger)
        if info is None:
            return None
        user, issued = info
        if self.trigger_ttl is not None and time.time() - issued > self.trigger_ttl:
            raise _ApiError("expired_trigger_id")
        return user

    def _view_arg(self, a: dict[str, Any], *, allowed: tuple[str, ...]) -> dict[str, Any]:
        view = a.get("view")
        if not isinstance(view, dict):
            raise _ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: view"]},
            )
        if view.get("type") not in allowed:
            raise _ApiError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] view type must be one of {allowed}"]},
            )
        if self.strict_blocks:
            errors = blockkit.validate_view(view)
            if errors:
                raise _ApiError(
                    "invalid_blocks", errors=errors, response_metadata={"messages": errors}
                )
        return copy.deepcopy(view)

    def _check_external_id(self, payload: dict[str, Any], own_view: str | None) -> None:
        external_id = payload.get("external_id")
        if external_id:
            other = self._view_by_external(external_id)
            if other is not None and other.id != own_view:
                raise _ApiError("duplicate_external_id")

    def _view_by_external(self, external_id: Any) -> _View | None:
        return next(
            (
                v
                for v in self._views.values()
                if v.open and v.payload.get("external_id") == external_id
            ),
            None,
        )

    def _new_view(
        self, payload: dict[str, Any], user: str | None, *, root: str | None, previous: str | None
    ) -> _View:
        view_id = self._new_id("V", self._views)
        view = _View(
            id=view_id,
            payload=payload,
            hash=_view_hash(),
            user=user,
            root_view_id=root or view_id,
            previous_view_id=previous,
        )
        self._views[view_id] = view
        return view

    def _new_id(self, prefix: str, taken: dict[str, Any]) -> str:
        while True:
            candidate = f"{prefix}0FAKE{next(self._ids):04d}"
            if candidate not in taken:
                return candidate

    def _next_ts(self) -> str:
        # Unique and strictly increasing even when the clock is frozen (time-machine).
        now_us = int(time.time() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _event(self, kind: str, **data: Any) -> None:
        self._pending.append({"type": kind, **data})

    def _take_events(self) -> list[Event]:
        events, self._pending = self._pending, []
        return events

    def _emit(self, events: list[Event]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for event in events:
            for listener in listeners:
                try:
                    listener(event)
                except Exception:
                    logger.exception("FakeSlack listener failed on %s", event.get("type"))

    def _describe_calls(self) -> str:
        with self._lock:
            lines = [f"  {c.method} -> {c.status} {'ok' if c.ok else c.error}" for c in self.calls]
        return "\n".join(lines) or "  (none)"


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


def _auth_error(token: str | None) -> dict[str, Any] | None:
    # Like Slack: no token at all is "not_authed", a token it does not accept is "invalid_auth".
    if not token:
        return {"ok": False, "error": "not_authed"}
    if not token.startswith("xoxb-"):
        return {"ok": False, "error": "invalid_auth"}
    return None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _id_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def _ts_key(ts: Any) -> tuple[int, int]:
    # Comparing ts as floats loses the microseconds; compare the two integer parts instead.
    seconds, _, fraction = str(ts).partition(".")
    try:
        return int(seconds or 0), int((fraction or "0").ljust(6, "0")[:6])
    except ValueError as exc:
        raise _ApiError("invalid_ts_oldest") from exc


def _in_range(
    key: tuple[int, int], oldest: tuple[int, int], latest: tuple[int, int] | None, inclusive: bool
) -> bool:
    if inclusive:
        return key >= oldest and (latest is None or key <= latest)
    return key > oldest and (latest is None or key < latest)


def _paginate(
    items: list[Any], a: dict[str, Any], *, default_limit: int, max_limit: int
) -> tuple[list[Any], str]:
    try:
        limit = int(a.get("limit") or default_limit)
    except (TypeError, ValueError) as exc:
        raise _ApiError("invalid_limit") from exc
    limit = min(limit, max_limit) if limit > 0 else max_limit
    start = 0
    cursor = a.get("cursor")
    if cursor:
        try:
            decoded = base64.b64decode(str(cursor)).decode()
            start = int(decoded.removeprefix("offset:"))
        except ValueError as exc:
            raise _ApiError("invalid_cursor") from exc
    page = items[start : start + limit]
    more = start + limit < len(items)
    next_cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
    return page, next_cursor


def _view_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"
