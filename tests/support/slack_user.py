"""A person in Slack: sends what Slack sends on their behalf, signed, over real HTTP."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import httpx

from playground.fake_slack import FakeSlackServer
from playground.slack_requests import (
    block_actions_body,
    signed_headers,
    slash_command_body,
    state_values_for,
    view_submission_body,
)


class SlackUser:
    """Types commands, clicks buttons and submits modals as one user."""

    def __init__(self, http: httpx.Client, slack: FakeSlackServer, secret: str, user_id: str):
        self._http = http
        self._slack = slack
        self._secret = secret
        self.id = user_id

    def send(
        self, body: bytes, *, headers: dict[str, str] | None = None, retry_num: int | None = None
    ) -> httpx.Response:
        sent = (
            headers
            if headers is not None
            else signed_headers(self._secret, body, retry_num=retry_num)
        )
        return self._http.post("/slack/events", content=body, headers=sent)

    def command_body(
        self, text: str, *, channel: str = "C0INCIDENTS", command: str = "/incident"
    ) -> bytes:
        return slash_command_body(
            command=command,
            text=text,
            user_id=self.id,
            channel_id=channel,
            response_url=self._slack.response_url(channel, self.id),
        )

    def command(
        self, text: str, *, channel: str = "C0INCIDENTS", command: str = "/incident"
    ) -> httpx.Response:
        return self.send(self.command_body(text, channel=channel, command=command))

    def click(
        self, message: dict[str, Any], action_id: str, *, option: str | None = None
    ) -> httpx.Response:
        """Click the element with action_id on a message the fake Slack holds."""
        return self.send(self.click_body(message, action_id, option=option))

    def click_body(
        self, message: dict[str, Any], action_id: str, *, option: str | None = None
    ) -> bytes:
        """The body Slack sends for that click (each one a new click, with its own action_ts)."""
        element = find_element(message["blocks"], action_id)
        action: dict[str, Any] = {"action_id": action_id, "type": element["type"]}
        if "value" in element:
            action["value"] = element["value"]
        if option is not None:
            chosen = [o for o in element["options"] if o["value"] == option]
            action["selected_option"] = chosen[0]
        channel = message["channel"]
        return block_actions_body(
            user_id=self.id,
            action=action,
            message=message,
            channel_id=channel,
            response_url=self._slack.response_url(channel, self.id, message["ts"]),
        )

    def click_in_view(
        self,
        view: dict[str, Any],
        action_id: str,
        *,
        value: str | None = None,
        answers: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Click a button in a view (a modal or the App Home); value picks one of several
        buttons sharing an action_id, answers are what the modal's inputs hold."""
        found = [
            element
            for block in view["blocks"]
            for element in block.get("elements", []) + [block.get("accessory") or {}]
            if element.get("action_id") == action_id
            and (value is None or element.get("value") == value)
        ]
        assert found, f"no element {action_id!r} ({value}) in {json.dumps(view['blocks'])[:500]}"
        action = {"action_id": action_id, "type": "button", "value": found[0].get("value")}
        state = state_values_for(view["blocks"], answers) if answers is not None else None
        body = block_actions_body(user_id=self.id, action=action, view=view, state_values=state)
        return self.send(body)

    def open_home(self) -> httpx.Response:
        body = event_body(
            {
                "type": "app_home_opened",
                "user": self.id,
                "tab": "home",
                "channel": f"D{self.id}",
                "event_ts": "1.0",
            }
        )
        headers = {**signed_headers(self._secret, body), "Content-Type": "application/json"}
        return self.send(body, headers=headers)

    def submit(self, view: dict[str, Any], answers: dict[str, Any]) -> httpx.Response:
        return self.send(self.submit_body(view, answers))

    def submit_body(self, view: dict[str, Any], answers: dict[str, Any]) -> bytes:
        values = state_values_for(view["blocks"], answers)
        return view_submission_body(user_id=self.id, view=view, values=values)


def find_element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []) + [block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no element {action_id!r} in {json.dumps(blocks)[:500]}")


def form_fields(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


def event_body(event: dict[str, Any]) -> bytes:
    """An Events API envelope as Slack POSTs it (JSON, not form-encoded)."""
    import time
    import uuid

    return json.dumps(
        {
            "token": "fake-verification-token",
            "team_id": "T0TEAM",
            "api_app_id": "A0APP",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "event": event,
        }
    ).encode()
