"""The fake workspace's state (people, conversations, views), its ids and the events it raises."""

from __future__ import annotations

import copy
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from playground.fake_slack.records import ApiError, Channel, Event, Listener, Message, View
from playground.slack_requests import BOT_ID, TEAM_ID

logger = logging.getLogger(__name__)


class Workspace:
    """What every Web API family reads and changes; each family is a subclass adding methods.

    Thread-safe: requests are handled on the server's thread while tests read from theirs, so
    every change happens under `_lock`. Events collect while it is held and reach listeners
    after it is released (see `_changes`), so a listener may call back in.
    """

    def __init__(
        self,
        *,
        users: list[dict[str, Any]] | None,
        channels: list[dict[str, Any]] | None,
        bot_user_id: str,
        strict_blocks: bool,
        trigger_ttl: float | None,
    ) -> None:
        self.bot_user_id = bot_user_id
        self.strict_blocks = strict_blocks
        self.trigger_ttl = trigger_ttl
        self._initial_users = copy.deepcopy(users or [])
        self._initial_channels = copy.deepcopy(channels or [])
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._pending: list[Event] = []
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, Channel] = {}
        self._messages: dict[str, list[Message]] = {}
        self._views: dict[str, View] = {}
        self._stacks: dict[str, list[str]] = {}  # user id ("" if unknown) -> open modal ids
        self._homes: dict[str, str] = {}  # user id -> App Home view id
        self._used_triggers: set[str] = set()
        self._last_stack: str | None = None
        self._last_ts_us = 0
        self._ids = itertools.count(1)
        self._reset_state()

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

    def _reset_state(self) -> None:
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
        self._seed_user({**bot, "is_bot": True})["profile"]["bot_id"] = BOT_ID
        for user in self._initial_users:
            self._seed_user(user)
        for channel in self._initial_channels:
            self._seed_channel(channel)

    # -- people and conversations ---------------------------------------------------------

    def _seed_user(self, user: dict[str, Any]) -> dict[str, Any]:
        """Add (or replace) a member from a partial spec, in users.info shape."""
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
        self._users[full["id"]] = full
        return full

    def _seed_channel(self, channel: dict[str, Any]) -> Channel:
        """Add a channel that existed before anyone watched: no event announces it."""
        if not isinstance(channel.get("id"), str):
            raise ValueError(f"channel needs an 'id': {channel!r}")
        known = {"id", "name", "members", "is_private", "created", "creator"}
        ch = Channel(
            id=channel["id"],
            name=channel.get("name") or channel["id"].lower(),
            created=int(channel.get("created") or 1700000000),
            creator=channel.get("creator") or self.bot_user_id,
            members=list(channel.get("members") or [self.bot_user_id]),
            is_private=bool(channel.get("is_private", False)),
            extra={k: v for k, v in channel.items() if k not in known},
        )
        self._channels[ch.id] = ch
        self._messages.setdefault(ch.id, [])
        return ch

    def _start_channel(
        self,
        channel_id: str,
        name: str,
        *,
        others: tuple[str, ...] = (),
        is_private: bool = False,
        is_im: bool = False,
        is_mpim: bool = False,
        user: str | None = None,
    ) -> Channel:
        """A conversation the bot starts (or first hears of) now, with `others` in it."""
        ch = Channel(
            id=channel_id,
            name=name,
            created=int(time.time()),
            creator=self.bot_user_id,
            members=[*others, self.bot_user_id],
            is_private=is_private,
            is_im=is_im,
            is_mpim=is_mpim,
            user=user,
        )
        self._channels[ch.id] = ch
        self._messages.setdefault(ch.id, [])
        self._event("channel_created", channel=ch.to_api(self.bot_user_id))
        return ch

    def _find_channel(self, ref: str) -> Channel | None:
        ref = ref.lstrip("#")
        if ref in self._channels:
            return self._channels[ref]
        return next((c for c in self._channels.values() if c.name == ref and not c.is_im), None)

    def _resolve_channel(self, ref: Any, *, create: bool) -> Channel:
        if not isinstance(ref, str) or not ref:
            raise ApiError("channel_not_found")
        found = self._find_channel(ref)
        if found is not None:
            return found
        # Tests name arbitrary public channel ids; DMs must have been opened first.
        if create and ref.startswith("C"):
            return self._start_channel(ref, ref.lower())
        raise ApiError("channel_not_found")

    def _post_target(self, ref: Any) -> Channel:
        # chat.postMessage to a user id lands in the app's DM with that user.
        if isinstance(ref, str) and ref[:1] in ("U", "W") and ref in self._users:
            return self._open_dm(ref)
        return self._resolve_channel(ref, create=True)

    def _open_dm(self, user_id: str) -> Channel:
        dm_id = f"D{user_id}"
        if dm_id not in self._channels:
            self._start_channel(dm_id, dm_id, others=(user_id,), is_im=True, user=user_id)
        return self._channels[dm_id]

    def _user(self, ref: Any) -> dict[str, Any]:
        if not isinstance(ref, str) or ref not in self._users:
            raise ApiError("user_not_found")
        return self._users[ref]

    # -- ids and timestamps ---------------------------------------------------------------

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

    # -- events ---------------------------------------------------------------------------

    @contextmanager
    def _changes(self) -> Iterator[None]:
        """Hold the lock while the workspace changes, then tell listeners once it is let go."""
        with self._lock:
            yield
            events = self._take_events()
        self._emit(events)

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
