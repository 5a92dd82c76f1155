"""files.*: Slack's external upload flow, as slack_sdk's files_upload_v2 drives it.

files.getUploadURLExternal hands out an upload URL (served by this fake), the client POSTs the
bytes there, and files.completeUploadExternal shares the file into a channel or thread as a
message carrying it. Like Slack, sharing needs the bot in the channel (`not_in_channel`), even
where chat:write.public lets plain messages through. The bytes are kept: tests decode them and
the playground shows them at the file's url_private."""

from __future__ import annotations

import copy
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from playground.fake_slack.messages import MessageStore
from playground.fake_slack.records import ApiError, Message
from playground.slack_requests import TEAM_DOMAIN

MAX_FILE_BYTES = 1024 * 1024 * 1024
_TYPES = {
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
    "jpeg": ("image/jpeg", "JPEG"),
    "gif": ("image/gif", "GIF"),
    "txt": ("text/plain", "Plain Text"),
}


@dataclass
class StoredFile:
    id: str
    name: str
    length: int
    alt_txt: str | None
    origin: str
    created: int
    title: str | None = None
    data: bytes | None = None
    channels: tuple[str, ...] = ()
    # Slack's upload URLs are capabilities: whoever holds one may send the bytes, no token.
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @property
    def filetype(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"

    @property
    def url(self) -> str:
        return f"{self.origin}files/{self.id}/{self.name}"

    def to_api(self, bot_user_id: str) -> dict[str, Any]:
        mimetype, pretty = _TYPES.get(self.filetype, ("application/octet-stream", "Binary"))
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": mimetype,
            "filetype": self.filetype,
            "pretty_type": pretty,
            "user": bot_user_id,
            "size": len(self.data or b""),
            "is_public": True,
            "alt_txt": self.alt_txt,
            "url_private": self.url,
            "url_private_download": self.url,
            "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{bot_user_id}/{self.id}/x",
            "channels": list(self.channels),
        }


class FilesApi(MessageStore):
    _files: dict[str, StoredFile]

    def _reset_state(self) -> None:
        super()._reset_state()
        self._files = {}

    # -- what tests and the playground read ------------------------------------------------

    def file(self, file_id: str) -> dict[str, Any] | None:
        """A file as files.info shows it, plus its bytes ("content"), or None."""
        with self._lock:
            stored = self._files.get(file_id)
            if stored is None:
                return None
            return {**stored.to_api(self.bot_user_id), "content": stored.data}

    def file_urls(self) -> dict[str, str]:
        """Every uploaded file's URL by id (image blocks may name a file by its id alone)."""
        with self._lock:
            return {f.id: f.url for f in self._files.values() if f.data is not None}

    def file_content(self, file_id: str) -> tuple[bytes, str] | None:
        """A completed upload's bytes and mimetype, or None."""
        found = self.file(file_id)
        if found is None or found["content"] is None:
            return None
        return found["content"], found["mimetype"]

    # -- the Web API -----------------------------------------------------------------------

    def _files_get_upload_url_external(self, a: dict[str, Any]) -> dict[str, Any]:
        name = a.get("filename")
        if not isinstance(name, str) or not name.strip():
            raise ApiError("invalid_arguments")
        try:
            length = int(a.get("length") or 0)
        except (TypeError, ValueError) as exc:
            raise ApiError("invalid_arguments") from exc
        if not 0 < length <= MAX_FILE_BYTES:
            raise ApiError("invalid_arguments")
        alt = a.get("alt_txt")
        if alt is not None and len(str(alt)) > 1000:
            raise ApiError("invalid_arguments")
        file_id = self._new_id("F", self._files)
        self._files[file_id] = StoredFile(
            id=file_id,
            name=name,
            length=length,
            alt_txt=None if alt is None else str(alt),
            origin=str(a.get("_origin") or "/"),
            created=int(time.time()),
        )
        stored = self._files[file_id]
        upload_url = f"{stored.origin}upload/v1/{file_id}/{stored.secret}"
        return {"upload_url": upload_url, "file_id": file_id}

    def _upload_url(self, a: dict[str, Any]) -> dict[str, Any]:
        """Not a Web API method: the bytes POSTed to an upload URL."""
        stored = self._files.get(str(a.get("file_id")))
        data = a.get("_bytes")
        if (
            stored is None
            or not isinstance(data, bytes)
            or not secrets.compare_digest(str(a.get("secret")), stored.secret)
        ):
            raise ApiError("file_not_found")
        if len(data) != stored.length:
            raise ApiError("invalid_length")
        stored.data = data
        return {"file_id": stored.id, "length": len(data)}

    def _files_complete_upload_external(self, a: dict[str, Any]) -> dict[str, Any]:
        raw = a.get("files")
        try:
            wanted = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            raise ApiError("invalid_arguments") from exc
        if not isinstance(wanted, list) or not wanted:
            raise ApiError("invalid_arguments")
        files = []
        for entry in wanted:
            stored = self._files.get(str((entry or {}).get("id")))
            if stored is None:
                raise ApiError("file_not_found")
            if stored.data is None:
                raise ApiError("file_upload_not_completed")
            files.append((stored, entry.get("title")))
        channel_id = a.get("channel_id") or (a.get("channels") or "").split(",")[0] or None
        ch = self._resolve_channel(channel_id, create=False) if channel_id else None
        if ch is not None and self.bot_user_id not in ch.members:
            raise ApiError("not_in_channel")
        for stored, title in files:
            stored.title = str(title) if title else stored.title
            if ch is not None:
                stored.channels = (*stored.channels, ch.id)
        if ch is not None:
            msg = Message(
                channel=ch.id,
                ts=self._next_ts(),
                user=self.bot_user_id,
                text=str(a.get("initial_comment") or ""),
                thread_ts=self._thread_parent(ch.id, a.get("thread_ts")),
                bot=True,
                files=[s.to_api(self.bot_user_id) for s, _ in files],
            )
            self._store(msg)
        return {"files": [copy.deepcopy(s.to_api(self.bot_user_id)) for s, _ in files]}
