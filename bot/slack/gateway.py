"""The one way out to Slack's Web API: retries, rate limits and error mapping live here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.errors import SupportbotError
from bot.slack.render import Message

log = logging.getLogger(__name__)

# Errors worth trying again later; anything else will fail the same way every time.
TRANSIENT_ERRORS = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
}


# Message calls, sent as JSON (their blocks and metadata) through api_call.
JSON_METHODS = frozenset({"chat.postMessage", "chat.update"})


class SlackCallFailed(SupportbotError):
    """Slack refused or could not be reached, after the in-call retries."""

    code = "slack_failed"

    def __init__(
        self, method: str, error: str, *, transient: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{method}: {error}", method=method, error=error)
        self.method = method
        self.error = error
        self.transient = transient
        self.retry_after = retry_after


def retry_handlers() -> list[AsyncRetryHandler]:
    """slack_sdk's own handlers: Retry-After on 429, backoff on 5xx and connection errors."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        AsyncServerErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
    ]


# slack_sdk's clients build their debug lines (every request's arguments, every answer's body)
# whenever their logger's own level is unset, then logging drops them: a tenth of a call's
# CPU. A logger with a level of its own skips that; Slack traffic is not logged (tokens are
# redacted there, but message texts are people's reports).
SDK_LOG = logging.getLogger("bot.slack.sdk")
SDK_LOG.setLevel(logging.INFO)


def web_client(token: str | None, base_url: str) -> AsyncWebClient:
    """The shared Web API client (Bolt uses the same one)."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=retry_handlers(),
        logger=SDK_LOG,
    )


class SlackGateway:
    """Calls Slack and turns its failures into SlackCallFailed.

    install_id: reads this install's own id (bot.store.install_id), carried by every marker.
    It is read at the first marker, not at start: the bot starts (and acks) while its database
    is still unreachable, and a delivery that cannot read it fails and is retried like any."""

    def __init__(self, client: AsyncWebClient, *, install_id: Callable[[], str]) -> None:
        self.client = client
        self._read_install_id = install_id
        self._install_id: str | None = None
        # For calls that must not be repeated blindly: a 5xx or a dropped connection may come
        # after Slack acted, so only 429 (never acted on) is retried in the call; the caller
        # checks what Slack has before trying again.
        self._once = AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
            logger=SDK_LOG,
        )
        self._session: aiohttp.ClientSession | None = None
        self._dm_channels: dict[str, str] = {}

    async def start(self) -> None:
        """Open one HTTP connection pool for every call (slack_sdk opens one per call without)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
            self.client.session = self._once.session = self._session

    async def close(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.client.session = self._once.session = None

    async def call(self, method: str, *, once: bool = False, **arguments: Any) -> dict[str, Any]:
        """Call a Web API method by its dotted name, e.g. chat.postMessage.

        once: never repeat the call after a 5xx or connection error (see __init__)."""
        client = self._once if once else self.client
        try:
            if method in JSON_METHODS:
                # What slack_sdk's own chat_postMessage / chat_update send, without their walk
                # of every block for Block objects to convert (ours are dicts already).
                body = {key: value for key, value in arguments.items() if value is not None}
                response = await client.api_call(method, json=body)
            else:
                response = await getattr(client, method.replace(".", "_"))(**arguments)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            status = exc.response.status_code
            retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get(
                "retry-after"
            )
            raise SlackCallFailed(
                method,
                error,
                transient=status == 429 or status >= 500 or error in TRANSIENT_ERRORS,
                retry_after=float(retry_after) if retry_after else None,
            ) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise SlackCallFailed(method, type(exc).__name__, transient=True) from None
        except SlackRequestError:
            # files_upload_v2 raises it when the file's upload URL does not answer 200.
            raise SlackCallFailed(method, "upload_failed", transient=True) from None
        return dict(response.data) if isinstance(response.data, dict) else {}

    @property
    def install_id(self) -> str:
        """This install's id, read once."""
        if self._install_id is None:
            self._install_id = self._read_install_id()
        return self._install_id

    def marker(self, event_type: str, **payload: Any) -> dict[str, Any]:
        """Message metadata that says this install posted it, for find_marked to look for."""
        return {
            "event_type": event_type,
            "event_payload": {**payload, INSTALL_KEY: self.install_id},
        }

    async def join(self, channel: str) -> None:
        """conversations.join: a file shared in a channel needs the bot in it, even where
        chat:write.public lets its messages through. A private channel can't be joined (the bot
        must be invited): the upload then says so itself."""
        try:
            await self.call("conversations.join", channel=channel)
        except SlackCallFailed as exc:
            if exc.transient or exc.error != "method_not_supported_for_channel_type":
                raise

    async def upload(
        self,
        channel: str,
        content: bytes,
        *,
        filename: str,
        title: str,
        alt_text: str,
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """Slack's external upload (files.getUploadURLExternal → the upload URL →
        files.completeUploadExternal), shared into channel (in a thread with thread_ts)."""
        return await self.call(
            "files.upload_v2",
            channel=channel,
            thread_ts=thread_ts,
            content=content,
            filename=filename,
            title=title,
            alt_txt=alt_text,
        )

    async def post(
        self, channel: str, message: Message, *, once: bool = False, **extra: Any
    ) -> dict[str, Any]:
        """chat.postMessage."""
        return await self.call(
            "chat.postMessage", once=once, channel=channel, **message.as_kwargs(), **extra
        )

    async def update(self, channel: str, ts: str, message: Message) -> dict[str, Any]:
        """chat.update in place."""
        return await self.call("chat.update", channel=channel, ts=ts, **message.as_kwargs())

    async def open_dm(self, user: str) -> str:
        """The DM channel id with a user (opened once per process: it never changes)."""
        if user not in self._dm_channels:
            response = await self.call("conversations.open", users=user)
            self._dm_channels[user] = str(response["channel"]["id"])
        return self._dm_channels[user]

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """views.open."""
        return await self.call("views.open", trigger_id=trigger_id, view=view)

    async def update_view(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """views.update of an open modal."""
        return await self.call("views.update", view_id=view_id, view=view)

    async def respond(
        self, response_url: str | None, message: Message, *, replace_original: bool = False
    ) -> None:
        """Answer one user through the request's response_url, visible only to them."""
        if not response_url:
            log.warning("no response_url to answer on; reply dropped: %s", message.text[:80])
            return
        webhook = AsyncWebhookClient(
            response_url,
            timeout=10,
            retry_handlers=retry_handlers(),
            session=self._session,
            logger=SDK_LOG,
        )
        try:
            result = await webhook.send(
                **message.as_kwargs(),
                response_type="ephemeral",
                replace_original=replace_original,
            )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning("reply on response_url failed: %s", type(exc).__name__)
            return
        if result.status_code != 200:
            log.warning("reply on response_url answered HTTP %s", result.status_code)


# How far before a message's first try to look for it: allows for clock skew with Slack.
HISTORY_SLACK = timedelta(minutes=2)
HISTORY_PAGES = 10
# The marker's key for the install id: a reset database, or a second install in the same
# workspace, numbers incidents and pages from 1 again, and must not take the other's for its own.
INSTALL_KEY = "install"


async def find_marked(
    gateway: SlackGateway, channel: str, marker: dict[str, Any], *, since: datetime
) -> str | None:
    """The ts of a message we posted in a channel carrying this metadata, if there is one.

    The check half of record-and-check: a retry looks before it posts again. Only a message
    that carries this install's id counts: another install's INC-1 is not ours."""
    wanted = {**marker["event_payload"], INSTALL_KEY: gateway.install_id}
    oldest = (since - HISTORY_SLACK).timestamp()
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        response = await gateway.call(
            "conversations.history",
            channel=channel,
            oldest=f"{oldest:.6f}",
            include_all_metadata=True,
            limit=200,
            cursor=cursor,
        )
        for message in response.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == marker["event_type"] and all(
                (metadata.get("event_payload") or {}).get(k) == v for k, v in wanted.items()
            ):
                log.info("%s was already posted; not posting again", marker)
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not response.get("has_more") or not cursor:
            return None
    # A channel this busy since the first try: better a second post than a lost one.
    log.warning("gave up looking for %s after %s pages of history", marker, HISTORY_PAGES)
    return None
