"""Messages: what a post may hold, how threads and deletes work, and the shapes they are read in."""

from __future__ import annotations

import copy
from typing import Any

from playground import blockkit
from playground.fake_slack.arguments import truthy
from playground.fake_slack.records import ApiError, Channel, Message
from playground.fake_slack.state import Workspace
from playground.slack_requests import APP_ID, BOT_ID, TEAM_ID

Content = tuple[str | None, list[dict[str, Any]] | None, list[dict[str, Any]] | None]


class MessageStore(Workspace):
    """Message handling shared by chat.*, conversations.* and response_url."""

    def _message_content(self, a: dict[str, Any]) -> Content:
        text, blocks, attachments = a.get("text"), a.get("blocks"), a.get("attachments")
        if text is not None and not isinstance(text, str):
            text = str(text)
        if blocks is not None and not isinstance(blocks, list):
            raise ApiError("invalid_blocks_format")
        if attachments is not None and not isinstance(attachments, list):
            raise ApiError("invalid_attachments")
        if not text and not blocks and not attachments:
            raise ApiError("no_text")
        if text and len(text) > blockkit.MAX_MESSAGE_TEXT:
            raise ApiError("msg_too_long")
        if attachments and len(attachments) > 100:
            raise ApiError("too_many_attachments")
        if self.strict_blocks and blocks is not None:
            errors = blockkit.validate_message(text, blocks, attachments=attachments)
            if errors:
                raise ApiError.invalid_blocks(errors)
        return text, copy.deepcopy(blocks), copy.deepcopy(attachments)

    def _post_bot_message(
        self,
        ch: Channel,
        a: dict[str, Any],
        content: Content,
        *,
        metadata: dict[str, Any] | None = None,
        ephemeral_for: str | None = None,
        reply_broadcast: bool = False,
    ) -> Message:
        """Store what the app posts in `ch` (threaded under `a`'s thread_ts, if any)."""
        text, blocks, attachments = content
        msg = Message(
            channel=ch.id,
            ts=self._next_ts(),
            user=self.bot_user_id,
            text=text or "",
            blocks=blocks,
            attachments=attachments,
            thread_ts=self._thread_parent(ch.id, a.get("thread_ts")),
            metadata=metadata,
            bot=True,
            ephemeral_for=ephemeral_for,
            reply_broadcast=reply_broadcast,
        )
        self._store(msg)
        return msg

    def _thread_parent(self, channel_id: str, thread_ts: Any) -> str | None:
        if not thread_ts:
            return None
        parent = self._find_message(channel_id, str(thread_ts))
        # Replying to a reply threads under the original parent, as in Slack. Unknown parents
        # are accepted: tests often reply to messages that only exist in a simulated event.
        if parent is not None and parent.is_reply and parent.thread_ts:
            return parent.thread_ts
        return str(thread_ts)

    def _find_message(self, channel_id: str, ts: str) -> Message | None:
        return next((m for m in self._messages.get(channel_id, []) if m.ts == ts), None)

    def _store(self, msg: Message) -> None:
        self._messages.setdefault(msg.channel, []).append(msg)
        kind = "ephemeral" if msg.ephemeral_for else "message"
        self._event(kind, channel=msg.channel, message=self._public(msg))

    def _delete(self, msg: Message) -> None:
        has_replies = any(m.is_reply and m.thread_ts == msg.ts for m in self._messages[msg.channel])
        if has_replies:
            # Slack leaves a tombstone so the thread stays reachable.
            msg.deleted, msg.text = True, "This message was deleted."
            msg.blocks = msg.attachments = None
        else:
            self._messages[msg.channel].remove(msg)
        self._event("message_deleted", channel=msg.channel, ts=msg.ts)

    def _replies(self, msg: Message) -> list[Message]:
        return [
            m
            for m in self._messages.get(msg.channel, [])
            if m.is_reply and m.thread_ts == msg.ts and m.ephemeral_for is None
        ]

    def _api_message(self, msg: Message, *, metadata: bool) -> dict[str, Any]:
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
        if msg.files:
            api.update({"files": copy.deepcopy(msg.files), "upload": True})
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

    def _api_messages(self, messages: list[Message], a: dict[str, Any]) -> list[dict[str, Any]]:
        """A page of history or replies; metadata only when the caller asked for it."""
        with_metadata = truthy(a.get("include_all_metadata"))
        return [self._api_message(m, metadata=with_metadata) for m in messages]

    def _public(self, msg: Message) -> dict[str, Any]:
        """How tests and the playground page see a message: the API shape plus what only
        the fake knows (who an ephemeral is for, the edit history, tombstones)."""
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
