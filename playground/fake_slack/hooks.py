"""response_url: what an app posts back to the conversation a person acted in."""

from __future__ import annotations

from typing import Any

from playground.fake_slack.arguments import truthy
from playground.fake_slack.messages import MessageStore
from playground.fake_slack.records import ApiError, Channel


class HooksApi(MessageStore):
    def _response_url(self, a: dict[str, Any]) -> dict[str, Any]:
        hook = a["_hook"]
        ch = self._hook_channel(hook["channel"])
        original = self._find_message(ch.id, hook["message_ts"]) if hook["message_ts"] else None
        if truthy(a.get("delete_original")):
            if original is None:
                raise ApiError("message_not_found")
            self._delete(original)
            return {}
        text, blocks, attachments = self._message_content(a)
        if truthy(a.get("replace_original")):
            if original is None:
                raise ApiError("message_not_found")
            original.edits.append(
                {"text": original.text, "blocks": original.blocks, "ts": self._next_ts()}
            )
            original.text, original.blocks = text or "", blocks
            original.attachments = attachments
            self._event("message_changed", channel=ch.id, message=self._public(original))
            return {}
        in_channel = a.get("response_type") == "in_channel"
        self._post_bot_message(
            ch,
            a,
            (text, blocks, attachments),
            ephemeral_for=None if in_channel else hook["user"],
        )
        return {}

    def _hook_channel(self, channel_id: str) -> Channel:
        # A response_url belongs to wherever the user acted, so that conversation exists even
        # if the app never opened it.
        if channel_id.startswith("D") and channel_id[1:] in self._users:
            return self._open_dm(channel_id[1:])
        found = self._find_channel(channel_id)
        if found is None:
            is_private = not channel_id.startswith("C")
            found = self._start_channel(channel_id, channel_id.lower(), is_private=is_private)
        return found
