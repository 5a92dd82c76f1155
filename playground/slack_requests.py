"""Request bodies and signed headers shaped exactly as Slack sends them to an app."""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0TEAM"
TEAM_DOMAIN = "supportbot-fake"
APP_ID = "A0APP"
BOT_ID = "B0BOT"
VERIFICATION_TOKEN = "fake-verification-token"

_counter = itertools.count(1)
_last_action_us = [0]
_action_lock = threading.Lock()
_TRIGGER = re.compile(r"^(?P<ms>\d{13})\.(?P<user>[UW][A-Z0-9]+|0)\.[0-9a-f]+$")


def sign(signing_secret: str, body: bytes, timestamp: int) -> str:
    """Return Slack's v0 signature: "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{body}"."""
    base = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    signing_secret: str,
    body: bytes,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """Headers Slack sends with a request: timestamp, signature, form content type, retries."""
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(signing_secret, body, ts),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


def new_trigger_id(user_id: str | None = None) -> str:
    """A fresh, unique trigger_id.

    Slack's trigger ids are opaque to apps, so this one carries the issuing user and time; that
    lets FakeSlack attribute opened views to a user and enforce the 3-second expiry.
    """
    issued_ms = int(time.time() * 1000)
    return f"{issued_ms:013d}.{user_id or '0'}.{next(_counter):06x}{secrets.token_hex(10)}"


def new_action_ts() -> str:
    """A click's action_ts: Slack's microsecond stamp, never the same twice, since the bot takes
    two clicks with the same stamp by the same person on the same button for one."""
    with _action_lock:
        stamp = _last_action_us[0] = max(time.time_ns() // 1000, _last_action_us[0] + 1)
    return f"{stamp // 1_000_000}.{stamp % 1_000_000:06d}"


def trigger_info(trigger_id: str) -> tuple[str | None, float] | None:
    """(user_id or None, issued-at epoch seconds) for ids from new_trigger_id, else None."""
    match = _TRIGGER.match(trigger_id)
    if match is None:
        return None
    user = match.group("user")
    return (None if user == "0" else user), int(match.group("ms")) / 1000


def slash_command_body(
    *,
    command: str,
    text: str,
    user_id: str,
    channel_id: str,
    user_name: str = "",
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
    channel_name: str | None = None,
) -> bytes:
    """Form-encoded slash command body with the fields Slack sends (as in slash_command.txt)."""
    if channel_name is None:
        channel_name = "directmessage" if channel_id.startswith("D") else channel_id.lower()
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url or _hooks_url("commands"),
        "trigger_id": trigger_id or new_trigger_id(user_id),
    }
    return urlencode(fields).encode()


def block_actions_body(
    *,
    user_id: str,
    action: dict[str, Any],
    channel_id: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    trigger_id: str | None = None,
    response_url: str | None = None,
    state_values: dict[str, Any] | None = None,
) -> bytes:
    """`payload=<json>` body of a block_actions interaction (as in block_actions.json).

    Pass the message the button sits on (its ts and blocks are used) or the view it sits in.
    Missing action fields (block_id, text, type, action_ts) are filled from those blocks.
    """
    blocks: list[dict[str, Any]] = []
    if message is not None:
        channel_id = channel_id or message.get("channel")
        blocks = message.get("blocks") or []
    elif view is not None:
        blocks = view.get("blocks") or []
    full_action = _complete_action(action, blocks)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container or _container(channel_id, message, view),
        "trigger_id": trigger_id or new_trigger_id(user_id),
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": channel_id.lower()}
    if message is not None:
        payload["message"] = _slack_message(message)
    if view is not None:
        payload["view"] = _full_view(view, state_values or {})
    payload["state"] = {"values": copy.deepcopy(state_values or {})}
    # Slack only hands out a response_url for interactions on messages, not inside views.
    if view is None and channel_id is not None:
        payload["response_url"] = response_url or _hooks_url("actions")
    payload["actions"] = [full_action]
    return _payload_body(payload)


def view_submission_body(
    *,
    user_id: str,
    view: dict[str, Any],
    values: dict[str, Any],
    trigger_id: str | None = None,
) -> bytes:
    """`payload=<json>` body of a view_submission (as in view_submission.json)."""
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(user_id),
        "view": _full_view(view, values),
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }
    return _payload_body(payload)


def state_values_for(view_blocks: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
    """Build `view.state.values` from a view's input blocks and answers keyed by block_id.

    Every input block appears, as Slack sends them; unanswered ones carry empty values.
    Select-like answers are option values; the matching option object is looked up.
    """
    inputs = {
        b["block_id"]: b
        for b in view_blocks
        if b.get("type") == "input" and isinstance(b.get("block_id"), str)
    }
    unknown = sorted(set(answers) - set(inputs))
    if unknown:
        raise ValueError(f"answers for blocks that are not input blocks of the view: {unknown}")
    values: dict[str, Any] = {}
    for block_id, block in inputs.items():
        element = block.get("element") or {}
        action_id = element.get("action_id")
        if not isinstance(action_id, str):
            raise ValueError(f"input block {block_id!r} has no action_id")
        values[block_id] = {action_id: _element_state(element, answers.get(block_id))}
    return values


def _element_state(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    kind = element.get("type")
    state: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        state["value"] = None if answer is None else str(answer)
    elif kind in ("static_select", "radio_buttons"):
        state["selected_option"] = None if answer is None else _option(element, answer)
    elif kind in ("multi_static_select", "checkboxes"):
        state["selected_options"] = [_option(element, a) for a in answer or []]
    elif kind in ("external_select",):
        state["selected_option"] = answer
    elif kind in ("multi_external_select",):
        state["selected_options"] = list(answer or [])
    elif kind == "users_select":
        state["selected_user"] = answer
    elif kind == "multi_users_select":
        state["selected_users"] = list(answer or [])
    elif kind == "conversations_select":
        state["selected_conversation"] = answer
    elif kind == "multi_conversations_select":
        state["selected_conversations"] = list(answer or [])
    elif kind == "channels_select":
        state["selected_channel"] = answer
    elif kind == "multi_channels_select":
        state["selected_channels"] = list(answer or [])
    elif kind == "datepicker":
        state["selected_date"] = answer
    elif kind == "timepicker":
        state["selected_time"] = answer
    elif kind == "datetimepicker":
        state["selected_date_time"] = answer
    elif kind == "rich_text_input":
        state["rich_text_value"] = (
            None
            if answer is None
            else {
                "type": "rich_text",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": answer}]}
                ],
            }
        )
    else:
        raise ValueError(f"state_values_for does not know element type {kind!r}")
    return state


def _option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if option.get("value") == value:
            return copy.deepcopy(option)
    raise ValueError(f"{value!r} is not an option value of {element.get('action_id')!r}")


def _complete_action(action: dict[str, Any], blocks: list[dict[str, Any]]) -> dict[str, Any]:
    full = copy.deepcopy(action)
    found = _find_element(blocks, full.get("action_id"))
    if found is not None:
        block_id, element = found
        full.setdefault("block_id", block_id)
        full.setdefault("type", element.get("type"))
        if element.get("type") == "button":
            full.setdefault("text", copy.deepcopy(element.get("text")))
            if "value" in element:
                full.setdefault("value", element["value"])
    full.setdefault("type", "button")
    full.setdefault("action_ts", new_action_ts())
    return full


def _find_element(
    blocks: list[dict[str, Any]], action_id: Any
) -> tuple[str | None, dict[str, Any]] | None:
    for block in blocks:
        candidates = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return block.get("block_id"), element
    return None


def _container(
    channel_id: str | None, message: dict[str, Any] | None, view: dict[str, Any] | None
) -> dict[str, Any]:
    if view is not None:
        return {"type": "view", "view_id": view.get("id")}
    if message is not None:
        return {
            "type": "message",
            "message_ts": message.get("ts"),
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
    # Slack omits the message itself for clicks on ephemeral messages.
    return {
        "type": "message",
        "message_ts": f"{time.time():.6f}",
        "channel_id": channel_id,
        "is_ephemeral": True,
    }


def _full_view(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    view_id = view.get("id") or f"V{next(_counter):08d}"
    full: dict[str, Any] = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "title": None,
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
    full.update(copy.deepcopy(view))
    full["state"] = {"values": copy.deepcopy(values)}
    return full


def _slack_message(message: dict[str, Any]) -> dict[str, Any]:
    # FakeSlack's query helpers add bookkeeping keys that a real payload never carries.
    extras = {"channel", "ephemeral_for", "edits", "edit_history", "deleted"}
    return {
        "type": "message",
        **{k: copy.deepcopy(v) for k, v in message.items() if k not in extras},
    }


def _hooks_url(kind: str) -> str:
    return f"https://hooks.slack.com/{kind}/{TEAM_ID}/{next(_counter)}/{secrets.token_hex(12)}"


def _user(user_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def _payload_body(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()
