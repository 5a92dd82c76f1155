"""Slack-shaped request builders: signatures, body shapes vs the fixtures, and a Bolt round trip."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from playground.fake_slack import FakeSlack, FakeSlackServer
from playground.slack_requests import (
    block_actions_body,
    new_trigger_id,
    sign,
    signed_headers,
    slash_command_body,
    state_values_for,
    trigger_info,
    view_submission_body,
)

# Slack's own example payloads, copied with their sources (tests/data/slack/README.md).
PAYLOADS = Path(__file__).resolve().parents[1] / "data" / "slack" / "payloads"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def payload_of(body: bytes) -> dict[str, Any]:
    form = dict(parse_qsl(body.decode()))
    assert list(form) == ["payload"]
    decoded: dict[str, Any] = json.loads(form["payload"])
    return decoded


def fixture_json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    return loaded


# -- signing --------------------------------------------------------------------------------


def test_sign_reproduces_slacks_published_test_vector() -> None:
    body = (PAYLOADS / "slash_command.txt").read_bytes()
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert sign(SECRET, body, 1531420618) == expected


def test_signed_headers_verify_with_slack_sdk() -> None:
    body = b"token=x&text=hello"
    headers = signed_headers("s3cret", body)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert abs(int(headers["X-Slack-Request-Timestamp"]) - time.time()) < 5
    assert "X-Slack-Retry-Num" not in headers
    verifier = SignatureVerifier("s3cret")
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)


def test_signed_headers_with_fixed_timestamp_and_retry() -> None:
    headers = signed_headers(SECRET, b"a=b", timestamp=1531420618, retry_num=2)
    assert headers["X-Slack-Request-Timestamp"] == "1531420618"
    assert headers["X-Slack-Signature"] == sign(SECRET, b"a=b", 1531420618)
    assert headers["X-Slack-Retry-Num"] == "2"
    assert headers["X-Slack-Retry-Reason"] == "http_timeout"


# -- trigger ids ----------------------------------------------------------------------------


def test_trigger_ids_are_unique_and_carry_user_and_time() -> None:
    first, second = new_trigger_id("U0SUP1"), new_trigger_id("U0SUP1")
    assert first != second
    info = trigger_info(first)
    assert info is not None
    user, issued = info
    assert user == "U0SUP1"
    assert abs(issued - time.time()) < 5
    assert trigger_info(new_trigger_id()) is not None
    assert trigger_info(new_trigger_id())[0] is None  # type: ignore[index]
    # Real Slack trigger ids stay opaque.
    assert trigger_info("398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c") is None


# -- slash commands -------------------------------------------------------------------------


def test_slash_command_body_has_the_fixture_fields_plus_app_id() -> None:
    fixture = parse_qs((PAYLOADS / "slash_command.txt").read_text(), keep_blank_values=True)
    body = slash_command_body(
        command="/incident", text="declare db down", user_id="U0SUP1", channel_id="C0INCIDENTS"
    )
    fields = parse_qs(body.decode(), keep_blank_values=True)
    assert set(fixture) <= set(fields)
    assert fields["api_app_id"] == ["A0APP"]
    assert fields["command"] == ["/incident"]
    assert fields["text"] == ["declare db down"]
    assert fields["user_id"] == ["U0SUP1"]
    assert fields["channel_id"] == ["C0INCIDENTS"]
    assert fields["team_id"] == ["T0TEAM"]
    assert fields["response_url"][0].startswith("https://hooks.slack.com/commands/")
    again = parse_qs(
        slash_command_body(command="/x", text="", user_id="U1", channel_id="C1").decode(),
        keep_blank_values=True,
    )
    assert again["trigger_id"] != fields["trigger_id"]


def test_slash_command_body_keeps_explicit_values() -> None:
    fields = parse_qs(
        slash_command_body(
            command="/x",
            text="a b&c=d",
            user_id="U1",
            user_name="sam",
            channel_id="DU1",
            team_id="T9",
            trigger_id="1.2.3",
            response_url="http://127.0.0.1:1/hooks/x",
        ).decode(),
        keep_blank_values=True,
    )
    assert fields["text"] == ["a b&c=d"]
    assert fields["user_name"] == ["sam"]
    assert fields["channel_name"] == ["directmessage"]
    assert fields["team_id"] == ["T9"]
    assert fields["trigger_id"] == ["1.2.3"]
    assert fields["response_url"] == ["http://127.0.0.1:1/hooks/x"]


# -- block actions --------------------------------------------------------------------------

MESSAGE = {
    "ts": "1700000000.000100",
    "text": "Incident declared",
    "user": "UBOT",
    "blocks": [
        {
            "type": "actions",
            "block_id": "controls",
            "elements": [
                {
                    "type": "button",
                    "action_id": "ack",
                    "text": {"type": "plain_text", "text": "Ack"},
                    "value": "42",
                }
            ],
        }
    ],
}


def test_block_actions_on_a_message_matches_the_fixture_shape() -> None:
    fixture = fixture_json("block_actions.json")
    payload = payload_of(
        block_actions_body(
            user_id="U0SUP1", action={"action_id": "ack"}, channel_id="C0INCIDENTS", message=MESSAGE
        )
    )
    assert set(fixture) <= set(payload)
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == "U0SUP1"
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "C0INCIDENTS",
        "is_ephemeral": False,
    }
    assert payload["channel"]["id"] == "C0INCIDENTS"
    assert payload["message"]["ts"] == MESSAGE["ts"]
    assert payload["message"]["type"] == "message"
    (action,) = payload["actions"]
    assert set(fixture["actions"][0]) <= set(action)
    # Missing fields come from the button in the message.
    assert action["block_id"] == "controls"
    assert action["value"] == "42"
    assert action["type"] == "button"
    assert action["text"] == {"type": "plain_text", "text": "Ack"}


def test_block_actions_in_a_view_uses_a_view_container() -> None:
    view = {"id": "V123", "type": "modal", "callback_id": "cb", "blocks": MESSAGE["blocks"]}
    payload = payload_of(
        block_actions_body(
            user_id="U0SUP1",
            action={"action_id": "ack", "value": "override"},
            view=view,
            trigger_id="9.9.9",
        )
    )
    assert payload["container"] == {"type": "view", "view_id": "V123"}
    assert payload["view"]["id"] == "V123"
    assert payload["view"]["callback_id"] == "cb"
    assert payload["trigger_id"] == "9.9.9"
    assert payload["actions"][0]["value"] == "override"
    assert "response_url" not in payload
    assert "message" not in payload


def test_block_actions_select_option_and_explicit_container() -> None:
    action = {
        "action_id": "severity",
        "type": "static_select",
        "block_id": "b",
        "selected_option": {"text": {"type": "plain_text", "text": "Sev1"}, "value": "sev1"},
    }
    container = {"type": "message", "message_ts": "1.2", "channel_id": "C1", "is_ephemeral": True}
    payload = payload_of(
        block_actions_body(user_id="U1", action=action, channel_id="C1", container=container)
    )
    assert payload["container"] == container
    assert payload["actions"][0]["selected_option"]["value"] == "sev1"
    assert payload["actions"][0]["type"] == "static_select"


# -- view submissions -----------------------------------------------------------------------

INCIDENT_VIEW: dict[str, Any] = {
    "id": "V0FAKE0001",
    "type": "modal",
    "callback_id": "declare",
    "private_metadata": "C0INCIDENTS",
    "title": {"type": "plain_text", "text": "Declare"},
    "submit": {"type": "plain_text", "text": "Go"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "severity",
            "label": {"type": "plain_text", "text": "Severity"},
            "element": {
                "type": "static_select",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "Sev1"}, "value": "sev1"},
                    {"text": {"type": "plain_text", "text": "Sev2"}, "value": "sev2"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "impact",
            "label": {"type": "plain_text", "text": "Impact"},
            "element": {
                "type": "radio_buttons",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "All"}, "value": "all"},
                    {"text": {"type": "plain_text", "text": "Some"}, "value": "some"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "checks",
            "label": {"type": "plain_text", "text": "Checks"},
            "element": {
                "type": "checkboxes",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "Page"}, "value": "page"},
                    {"text": {"type": "plain_text", "text": "Status"}, "value": "status"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "owner",
            "label": {"type": "plain_text", "text": "Owner"},
            "element": {"type": "users_select", "action_id": "user"},
        },
        {
            "type": "input",
            "block_id": "responders",
            "label": {"type": "plain_text", "text": "Responders"},
            "element": {"type": "multi_users_select", "action_id": "users"},
        },
        {"type": "section", "block_id": "note", "text": {"type": "mrkdwn", "text": "hi"}},
    ],
}


def test_state_values_for_builds_slack_state_shapes() -> None:
    values = state_values_for(
        INCIDENT_VIEW["blocks"],
        {
            "title": "DB down",
            "severity": "sev1",
            "impact": "some",
            "checks": ["status"],
            "owner": "U0SUP1",
            "responders": ["U0SUP1", "U0SUP2"],
        },
    )
    assert values["title"] == {"value": {"type": "plain_text_input", "value": "DB down"}}
    assert values["severity"]["pick"]["selected_option"]["value"] == "sev1"
    assert values["severity"]["pick"]["selected_option"]["text"]["text"] == "Sev1"
    assert values["impact"]["pick"] == {
        "type": "radio_buttons",
        "selected_option": {"text": {"type": "plain_text", "text": "Some"}, "value": "some"},
    }
    assert [o["value"] for o in values["checks"]["pick"]["selected_options"]] == ["status"]
    assert values["owner"]["user"] == {"type": "users_select", "selected_user": "U0SUP1"}
    assert values["responders"]["users"]["selected_users"] == ["U0SUP1", "U0SUP2"]
    assert "note" not in values


def test_state_values_for_includes_unanswered_inputs_and_rejects_mistakes() -> None:
    values = state_values_for(INCIDENT_VIEW["blocks"], {})
    assert values["title"]["value"]["value"] is None
    assert values["severity"]["pick"]["selected_option"] is None
    assert values["checks"]["pick"]["selected_options"] == []
    with pytest.raises(ValueError, match="not input blocks"):
        state_values_for(INCIDENT_VIEW["blocks"], {"titel": "typo"})
    with pytest.raises(ValueError, match="not an option value"):
        state_values_for(INCIDENT_VIEW["blocks"], {"severity": "sev9"})


def test_view_submission_matches_the_fixture_shape() -> None:
    fixture = fixture_json("view_submission.json")
    values = state_values_for(INCIDENT_VIEW["blocks"], {"title": "DB down"})
    payload = payload_of(view_submission_body(user_id="U0SUP1", view=INCIDENT_VIEW, values=values))
    assert set(fixture) <= set(payload)
    assert set(fixture["view"]) <= set(payload["view"])
    assert payload["type"] == "view_submission"
    assert payload["user"]["id"] == "U0SUP1"
    assert payload["view"]["id"] == "V0FAKE0001"
    assert payload["view"]["callback_id"] == "declare"
    assert payload["view"]["private_metadata"] == "C0INCIDENTS"
    assert payload["view"]["state"] == {"values": values}
    assert payload["response_urls"] == []


# -- round trip through slack_bolt and the fake ----------------------------------------------


@pytest.fixture
def bolt_env() -> Iterator[tuple[App, FakeSlack]]:
    fake = FakeSlack(users=[{"id": "U0SUP1", "name": "sam", "real_name": "Sam Support"}])
    with FakeSlackServer(fake) as server:
        client = WebClient(token="xoxb-test", base_url=server.api_url)
        app = App(client=client, signing_secret=SECRET, process_before_response=True)
        yield app, fake


def bolt_request(body: bytes, headers: dict[str, str]) -> BoltRequest:
    return BoltRequest(body=body.decode(), headers=dict(headers.items()))


def dispatch(app: App, body: bytes, **header_options: Any) -> Any:
    return app.dispatch(bolt_request(body, signed_headers(SECRET, body, **header_options)))


def test_bolt_accepts_signed_requests_and_the_modal_flow_works(
    bolt_env: tuple[App, FakeSlack],
) -> None:
    app, fake = bolt_env
    submitted: dict[str, Any] = {}

    @app.command("/incident")
    def open_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        view = {k: v for k, v in INCIDENT_VIEW.items() if k != "id"}
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view("declare")
    def on_submit(ack: Ack, view: dict[str, Any], body: dict[str, Any]) -> None:
        ack()
        submitted["values"] = view["state"]["values"]
        submitted["user"] = body["user"]["id"]

    @app.action("ack")
    def on_ack(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        submitted["action"] = body["actions"][0]["value"]

    body = slash_command_body(
        command="/incident", text="", user_id="U0SUP1", channel_id="C0INCIDENTS"
    )
    assert dispatch(app, body).status == 200
    (opened,) = fake.views_for("U0SUP1")
    assert opened["callback_id"] == "declare"

    values = state_values_for(opened["blocks"], {"title": "DB down", "severity": "sev2"})
    response = dispatch(app, view_submission_body(user_id="U0SUP1", view=opened, values=values))
    assert response.status == 200
    assert submitted["user"] == "U0SUP1"
    assert submitted["values"]["severity"]["pick"]["selected_option"]["value"] == "sev2"

    click = block_actions_body(
        user_id="U0SUP1", action={"action_id": "ack"}, channel_id="C0INCIDENTS", message=MESSAGE
    )
    assert dispatch(app, click, retry_num=1).status == 200
    assert submitted["action"] == "42"


def test_bolt_rejects_a_bad_signature(bolt_env: tuple[App, FakeSlack]) -> None:
    app, _ = bolt_env
    body = slash_command_body(command="/incident", text="", user_id="U0SUP1", channel_id="C1")
    headers = signed_headers("wrong-secret", body)
    assert app.dispatch(bolt_request(body, headers)).status == 401
