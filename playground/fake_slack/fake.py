"""FakeSlack: one workspace with every Web API family, answering and recording each call."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from playground.fake_slack.chat import ChatApi
from playground.fake_slack.controls import WorkspaceControls
from playground.fake_slack.conversations import ConversationsApi
from playground.fake_slack.endpoints import Answer, asgi_app
from playground.fake_slack.faults import FaultInjection, FaultQueue
from playground.fake_slack.files import FilesApi
from playground.fake_slack.hooks import HooksApi
from playground.fake_slack.recorder import Call, Recorder
from playground.fake_slack.records import ApiError
from playground.fake_slack.users import UsersApi
from playground.fake_slack.views import ViewsApi

logger = logging.getLogger(__name__)


class FakeSlack(
    Recorder,
    FaultInjection,
    WorkspaceControls,
    ChatApi,
    ConversationsApi,
    ViewsApi,
    UsersApi,
    HooksApi,
    FilesApi,
):
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
        super().__init__(
            users=users,
            channels=channels,
            bot_user_id=bot_user_id,
            strict_blocks=strict_blocks,
            trigger_ttl=trigger_ttl,
        )
        self.calls: list[Call] = []
        self._faults = FaultQueue()
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
            "conversations.join": self._conversations_join,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            # Not a Web API method: the bytes POSTed to an upload URL (see files.py).
            "upload_url": self._upload_url,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
            # Not a Web API method: posts to a response_url (see FakeSlackServer.response_url).
            "response_url": self._response_url,
        }
        self.asgi_app = asgi_app(self._process, self._faults.wait_held, self.file_content)

    def reset(self) -> None:
        """Forget calls, faults and workspace changes; subscribers stay subscribed."""
        with self._lock:
            self.calls = []
            self._faults.clear()
            self._reset_state()

    def _process(
        self, method: str, args: dict[str, Any], *, token: str | None, pre_error: str | None
    ) -> Answer:
        status, hold = 200, 0.0
        headers: dict[str, str] = {}
        with self._changes():
            fault = self._faults.take(method, args)
            body: dict[str, Any]
            if fault is not None and fault.mode in ("lose", "hold"):
                body = self._act(method, args, token)
                if fault.mode == "lose":
                    status, body = 500, {"ok": False, "error": "internal_error"}
                else:
                    hold = fault.hold
            elif fault is not None:
                status, body, headers = fault.failure()
            elif pre_error is not None:
                body = {"ok": False, "error": pre_error}
            else:
                body = self._act(method, args, token)
            call = self._record(method, args, status, body)
            self._event("api_call", call=asdict(call))
        return Answer(status, body, headers, hold)

    def _act(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Carry out the call if its token passes, and return its answer's body."""
        # response_url and upload URLs carry their own secret in the URL, not a token.
        auth_error = None if method in ("response_url", "upload_url") else _auth_error(token)
        return self._run(method, args) if auth_error is None else auth_error

    def _run(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = self._handlers.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        try:
            return {"ok": True, **handler(args)}
        except ApiError as exc:
            # A failed call leaves no trace, except a public channel it mentioned: that one
            # "always existed" (see _resolve_channel), so watchers still need to hear of it.
            self._pending = [e for e in self._pending if e["type"] == "channel_created"]
            return {"ok": False, "error": exc.error, **exc.extra}
        except Exception as exc:
            logger.exception("FakeSlack bug while handling %s", method)
            self._pending = []
            return {"ok": False, "error": "fatal_error", "detail": repr(exc)}


def _auth_error(token: str | None) -> dict[str, Any] | None:
    # Like Slack: no token at all is "not_authed", a token it does not accept is "invalid_auth".
    if not token:
        return {"ok": False, "error": "not_authed"}
    if not token.startswith("xoxb-"):
        return {"ok": False, "error": "invalid_auth"}
    return None
