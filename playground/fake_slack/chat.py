"""chat.*: posting, editing and deleting the app's messages."""

from __future__ import annotations

import copy
from typing import Any

from playground.fake_slack.arguments import truthy
from playground.fake_slack.messages import MessageStore
from playground.fake_slack.records import ApiError, Channel, Message
from playground.slack_requests import TEAM_DOMAIN


class ChatApi(MessageStore):
    def _chat_post_message(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._post_target(a.get("channel"))
        msg = self._post_bot_message(
            ch,
            a,
            self._message_content(a),
            metadata=copy.deepcopy(a["metadata"]) if isinstance(a.get("metadata"), dict) else None,
            reply_broadcast=truthy(a.get("reply_broadcast")),
        )
        return {"channel": ch.id, "ts": msg.ts, "message": self._api_message(msg, metadata=True)}

    def _chat_update(self, a: dict[str, Any]) -> dict[str, Any]:
        ch, msg = self._own_message(a, refusal="cant_update_message")
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
            raise ApiError("user_not_in_channel")
        msg = self._post_bot_message(ch, a, self._message_content(a), ephemeral_for=user["id"])
        return {"message_ts": msg.ts}

    def _chat_delete(self, a: dict[str, Any]) -> dict[str, Any]:
        ch, msg = self._own_message(a, refusal="cant_delete_message")
        self._delete(msg)
        return {"channel": ch.id, "ts": msg.ts}

    def _chat_get_permalink(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=False)
        msg = self._find_message(ch.id, str(a.get("message_ts") or ""))
        if msg is None or msg.ephemeral_for is not None:
            raise ApiError("message_not_found")
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{ch.id}/p{msg.ts.replace('.', '')}"
        if msg.is_reply:
            link += f"?thread_ts={msg.thread_ts}&cid={ch.id}"
        return {"channel": ch.id, "permalink": link}

    def _own_message(self, a: dict[str, Any], *, refusal: str) -> tuple[Channel, Message]:
        """The live message at `a`'s channel and ts, which the app must have written itself."""
        ch = self._resolve_channel(a.get("channel"), create=False)
        msg = self._find_message(ch.id, str(a.get("ts") or ""))
        if msg is None or msg.ephemeral_for is not None or msg.deleted:
            raise ApiError("message_not_found")
        if msg.user != self.bot_user_id:
            raise ApiError(refusal)
        return ch, msg
