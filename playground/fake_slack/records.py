"""The workspace's records (channels, messages, views) in the shapes the Web API answers with."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playground.slack_requests import APP_ID, BOT_ID, TEAM_ID

Event = dict[str, Any]
Listener = Callable[[Event], None]


class ApiError(Exception):
    """A Web API error answer: `error` is Slack's code, `extra` more fields of the body."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    @classmethod
    def invalid_arguments(cls, message: str) -> ApiError:
        return cls("invalid_arguments", response_metadata={"messages": [message]})

    @classmethod
    def invalid_blocks(cls, errors: list[str]) -> ApiError:
        return cls("invalid_blocks", errors=errors, response_metadata={"messages": errors})


@dataclass
class Channel:
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
class Message:
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
    # Shared by files.completeUploadExternal, in files.info shape.
    files: list[dict[str, Any]] | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass
class View:
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
