"""What tests and the playground do to the workspace directly, as people rather than the app,
and what they read back from it."""

from __future__ import annotations

import copy
from typing import Any

from playground.fake_slack.messages import MessageStore
from playground.fake_slack.records import ApiError, Message


class WorkspaceControls(MessageStore):
    # -- workspace setup and user-side actions --------------------------------------------

    def add_user(self, user: dict[str, Any]) -> dict[str, Any]:
        """Add (or replace) a workspace member; returns it in users.info shape."""
        with self._lock:
            return copy.deepcopy(self._seed_user(user))

    def add_channel(self, channel: dict[str, Any]) -> dict[str, Any]:
        """Add a channel ({"id", "name", optional "members", "is_private"}); returns its info."""
        with self._lock:
            return self._seed_channel(channel).to_api(self.bot_user_id)

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
        with self._changes():
            if channel.startswith("D") and channel[1:] in self._users:
                self._open_dm(channel[1:])
            try:
                ch = self._resolve_channel(channel, create=True)
            except ApiError as exc:
                raise ValueError(f"unknown channel {channel!r}") from exc
            msg = Message(
                channel=ch.id,
                ts=self._next_ts(),
                user=user,
                text=text,
                blocks=copy.deepcopy(blocks),
                thread_ts=self._thread_parent(ch.id, thread_ts),
            )
            self._store(msg)
            result = self._public(msg)
        return result

    def close_view(self, view_id: str) -> None:
        """Close a modal as the user would (and any views pushed on top of it)."""
        with self._changes():
            for key, stack in list(self._stacks.items()):
                if view_id in stack:
                    closed = stack[stack.index(view_id) :]
                    del stack[stack.index(view_id) :]
                    for vid in closed:
                        self._views[vid].open = False
                        self._event("view_closed", view_id=vid, user=key or None)
                    if not stack:
                        del self._stacks[key]

    # -- queries --------------------------------------------------------------------------

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages (ephemeral ones included), oldest first, by channel id or name."""
        with self._lock:
            return [self._public(m) for m in self._channel_messages(channel) if not m.is_reply]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The parent message (if known) followed by its replies, oldest first."""
        with self._lock:
            return [
                self._public(m)
                for m in self._channel_messages(channel)
                if m.ts == ts or (m.thread_ts == ts and m.is_reply)
            ]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """One message by channel and ts, or None."""
        with self._lock:
            msg = next((m for m in self._channel_messages(channel) if m.ts == ts), None)
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

    def _channel_messages(self, channel: str) -> list[Message]:
        ch = self._find_channel(channel)
        return self._messages.get(ch.id, []) if ch is not None else []
