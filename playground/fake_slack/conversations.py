"""conversations.*: opening DMs, creating channels, inviting people, reading history."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from playground.fake_slack.arguments import id_list, in_range, paginate, truthy, ts_key
from playground.fake_slack.messages import MessageStore
from playground.fake_slack.records import ApiError, Channel

_CHANNEL_NAME = re.compile(r"^[a-z0-9_-]+$")


class ConversationsApi(MessageStore):
    def _conversations_open(self, a: dict[str, Any]) -> dict[str, Any]:
        existing = a.get("channel")
        if existing:
            ch = self._channels.get(str(existing))
            if ch is None or not (ch.is_im or ch.is_mpim):
                raise ApiError("channel_not_found")
            return {"no_op": True, "already_open": True, "channel": self._open_answer(ch, a)}
        ids = id_list(a.get("users"))
        if not ids:
            raise ApiError("users_list_not_supplied")
        if len(ids) > 8:
            raise ApiError("too_many_users")
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
                name = "mpdm-" + "--".join(u.lower() for u in ids) + "-1"
                self._start_channel(mpim_id, name, others=tuple(ids), is_mpim=True)
            ch = self._channels[mpim_id]
        answer: dict[str, Any] = {"channel": self._open_answer(ch, a)}
        if already:
            answer.update({"no_op": True, "already_open": True})
        return answer

    def _open_answer(self, ch: Channel, a: dict[str, Any]) -> dict[str, Any]:
        if truthy(a.get("return_im")):
            return ch.to_api(self.bot_user_id)
        return {"id": ch.id}

    def _conversations_create(self, a: dict[str, Any]) -> dict[str, Any]:
        name = a.get("name")
        if not isinstance(name, str) or not name:
            raise ApiError("invalid_name_required")
        if len(name) > 80:
            raise ApiError("invalid_name_maxlength")
        if not _CHANNEL_NAME.match(name):
            raise ApiError("invalid_name_specials")
        if not name.strip("-_"):
            raise ApiError("invalid_name_punctuation")
        if any(c.name == name for c in self._channels.values()):
            raise ApiError("name_taken")
        channel_id = self._new_id("C", self._channels)
        ch = self._start_channel(channel_id, name, is_private=truthy(a.get("is_private")))
        return {"channel": ch.to_api(self.bot_user_id)}

    def _conversations_invite(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        if ch.is_im or ch.is_mpim:
            raise ApiError("method_not_supported_for_channel_type")
        ids = id_list(a.get("users"))
        if not ids:
            raise ApiError("no_user")
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
        if failures and not (truthy(a.get("force")) and joining):
            raise ApiError(failures[0]["error"], errors=failures)
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
        if truthy(a.get("include_num_members")):
            info["num_members"] = len(ch.members)
        return {"channel": info}

    def _conversations_history(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        oldest = ts_key(a.get("oldest") or "0")
        latest = ts_key(a["latest"]) if a.get("latest") else None
        inclusive = truthy(a.get("inclusive"))
        visible = [
            m
            for m in reversed(self._messages[ch.id])
            if m.ephemeral_for is None
            and (not m.is_reply or m.reply_broadcast)
            and in_range(ts_key(m.ts), oldest, latest, inclusive)
        ]
        page, next_cursor = paginate(visible, a, default_limit=100, max_limit=999)
        return {
            "messages": self._api_messages(page, a),
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
            raise ApiError("thread_not_found")
        thread = [msg] if msg.is_reply else [msg, *self._replies(msg)]
        page, next_cursor = paginate(thread, a, default_limit=1000, max_limit=1000)
        return {
            "messages": self._api_messages(page, a),
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_members(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        page, next_cursor = paginate(list(ch.members), a, default_limit=100, max_limit=1000)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_join(self, a: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve_channel(a.get("channel"), create=True)
        if ch.is_im or ch.is_mpim or ch.is_private:
            raise ApiError("method_not_supported_for_channel_type")
        answer: dict[str, Any] = {}
        if self.bot_user_id in ch.members:
            answer["warning"] = "already_in_channel"
        else:
            ch.members.append(self.bot_user_id)
            self._event("member_joined_channel", channel=ch.id, user=self.bot_user_id)
        return {"channel": ch.to_api(self.bot_user_id), **answer}
