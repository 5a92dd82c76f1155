"""FakeSlack over real HTTP, driven by slack_sdk's WebClient and AsyncWebClient."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookClient

from playground.fake_slack import Call, FakeSlack, FakeSlackServer
from playground.slack_requests import new_trigger_id

USERS = [
    {"id": "U0SUP1", "name": "sam", "real_name": "Sam Support"},
    {"id": "U0SUP2", "name": "alex", "real_name": "Alex Oncall"},
    {"id": "U0SUP3", "name": "kim", "real_name": "Kim Lead"},
]
CHANNELS = [{"id": "C0INCIDENTS", "name": "incidents"}, {"id": "C0GENERAL", "name": "general"}]

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*Checkout is down*"}}
MODAL = {
    "type": "modal",
    "callback_id": "declare",
    "title": {"type": "plain_text", "text": "Declare incident"},
    "submit": {"type": "plain_text", "text": "Declare"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
HOME = {"type": "home", "blocks": [SECTION]}


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(FakeSlack(users=USERS, channels=CHANNELS)) as running:
        yield running


@pytest.fixture
def fake(server: FakeSlackServer) -> Iterator[FakeSlack]:
    server.fake.reset()
    server.fake.strict_blocks = True
    yield server.fake
    server.fake.strict_blocks = True


@pytest.fixture
def client(server: FakeSlackServer, fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=server.api_url)


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


# -- server and auth ------------------------------------------------------------------------


def test_server_binds_a_free_port_and_stops_cleanly() -> None:
    with FakeSlackServer() as one, FakeSlackServer() as two:
        assert one.port != two.port
        assert one.api_url == f"http://127.0.0.1:{one.port}/api/"
        assert WebClient(token="xoxb-1", base_url=two.api_url).auth_test()["ok"]
        port = one.port
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"http://127.0.0.1:{port}/api/auth.test")
    one.stop()  # idempotent


def test_auth_test(client: WebClient) -> None:
    answer = client.auth_test()
    assert answer["user_id"] == "UBOT"
    assert answer["team_id"] == "T0TEAM"
    assert answer["bot_id"] == "B0BOT"


def test_tokens_are_checked_and_rejections_recorded(
    server: FakeSlackServer, fake: FakeSlack
) -> None:
    missing = httpx.post(server.api_url + "auth.test")
    assert missing.json() == {"ok": False, "error": "not_authed"}
    wrong = WebClient(token="xoxp-user", base_url=server.api_url)
    assert error_of(wrong.auth_test) == "invalid_auth"
    via_form = httpx.post(server.api_url + "auth.test", data={"token": "xoxb-form"})
    assert via_form.json()["ok"] is True
    assert [c.error for c in fake.calls_to("auth.test")] == ["not_authed", "invalid_auth", None]
    assert "token" not in fake.calls_to("auth.test")[2].args


def test_unknown_method_is_answered_and_recorded(client: WebClient, fake: FakeSlack) -> None:
    assert error_of(lambda: client.api_call("chat.teleport")) == "unknown_method"
    (call,) = fake.calls_to("chat.teleport")
    assert (call.ok, call.error, call.status) == (False, "unknown_method", 200)


# -- messages -------------------------------------------------------------------------------


def test_post_message_json_and_form_bodies(client: WebClient, fake: FakeSlack) -> None:
    first = client.chat_postMessage(channel="C0INCIDENTS", text="down", blocks=[SECTION])
    second = client.api_call(
        "chat.postMessage",
        data={"channel": "C0INCIDENTS", "text": "form", "blocks": '[{"type": "divider"}]'},
    )
    assert first["channel"] == "C0INCIDENTS"
    assert first["message"]["blocks"] == [SECTION]
    assert first["message"]["user"] == "UBOT"
    assert first["ts"] < second["ts"]
    assert second["message"]["blocks"] == [{"type": "divider"}]
    (json_call, form_call) = fake.delivered("chat.postMessage")
    assert json_call.args["blocks"] == [SECTION]
    assert form_call.args["blocks"] == [{"type": "divider"}]
    messages = fake.messages("C0INCIDENTS")
    assert [m["text"] for m in messages] == ["down", "form"]
    assert messages[0]["ephemeral_for"] is None
    assert fake.messages("#incidents") == fake.messages("incidents") == messages


def test_timestamps_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C0GENERAL", text=str(i))["ts"] for i in range(20)]
    assert len(set(stamps)) == 20
    keys = [tuple(int(p) for p in ts.split(".")) for ts in stamps]
    assert keys == sorted(keys)
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_unknown_c_channels_appear_but_unopened_dms_do_not(
    client: WebClient, fake: FakeSlack
) -> None:
    assert client.chat_postMessage(channel="C0ANYTHING", text="hi")["ok"]
    assert fake.messages("C0ANYTHING")[0]["text"] == "hi"
    assert error_of(lambda: client.chat_postMessage(channel="DU0SUP1", text="hi")) == (
        "channel_not_found"
    )
    assert error_of(lambda: client.chat_postMessage(channel="G0PRIVATE", text="hi")) == (
        "channel_not_found"
    )
    assert len(fake.calls_to("chat.postMessage")) == 3
    assert len(fake.delivered("chat.postMessage")) == 1


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_empty_and_oversized_messages(client: WebClient) -> None:
    assert error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="")) == "no_text"
    too_long = "x" * 40_001
    assert error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text=too_long)) == (
        "msg_too_long"
    )


def test_threads_history_and_replies(client: WebClient, fake: FakeSlack) -> None:
    parent = client.chat_postMessage(channel="C0INCIDENTS", text="parent")["ts"]
    reply = client.chat_postMessage(channel="C0INCIDENTS", text="r1", thread_ts=parent)["ts"]
    # Replying to a reply threads under the parent, as Slack does.
    client.chat_postMessage(channel="C0INCIDENTS", text="r2", thread_ts=reply)
    later = client.chat_postMessage(channel="C0INCIDENTS", text="later")["ts"]

    history = client.conversations_history(channel="C0INCIDENTS")
    assert [m["text"] for m in history["messages"]] == ["later", "parent"]
    assert history["messages"][1]["reply_count"] == 2
    assert history["messages"][1]["latest_reply"] > reply
    replies = client.conversations_replies(channel="C0INCIDENTS", ts=parent)
    assert [m["text"] for m in replies["messages"]] == ["parent", "r1", "r2"]
    assert all(m["thread_ts"] == parent for m in replies["messages"])
    assert [m["text"] for m in fake.thread("C0INCIDENTS", parent)] == ["parent", "r1", "r2"]
    assert fake.messages("C0INCIDENTS")[0]["reply_count"] == 2
    assert error_of(lambda: client.conversations_replies(channel="C0INCIDENTS", ts="1.2")) == (
        "thread_not_found"
    )
    page = client.conversations_history(channel="C0INCIDENTS", limit=1)
    assert page["has_more"] is True
    rest = client.conversations_history(
        channel="C0INCIDENTS", cursor=page["response_metadata"]["next_cursor"]
    )
    assert [m["ts"] for m in page["messages"] + rest["messages"]] == [later, parent]


def test_history_filters_and_metadata(client: WebClient) -> None:
    meta = {"event_type": "incident_declared", "event_payload": {"id": 42}}
    first = client.chat_postMessage(channel="C0GENERAL", text="a", metadata=meta)["ts"]
    second = client.chat_postMessage(channel="C0GENERAL", text="b")["ts"]
    assert "metadata" not in client.conversations_history(channel="C0GENERAL")["messages"][1]
    with_meta = client.conversations_history(channel="C0GENERAL", include_all_metadata=True)
    assert with_meta["messages"][1]["metadata"] == meta
    newer = client.conversations_history(channel="C0GENERAL", oldest=first)
    assert [m["ts"] for m in newer["messages"]] == [second]
    both = client.conversations_history(channel="C0GENERAL", oldest=first, inclusive=True)
    assert len(both["messages"]) == 2


def test_update_keeps_history_of_edits(client: WebClient, fake: FakeSlack) -> None:
    ts = client.chat_postMessage(channel="C0INCIDENTS", text="v1", blocks=[SECTION])["ts"]
    updated = client.chat_update(channel="C0INCIDENTS", ts=ts, text="v2")
    assert updated["ts"] == ts
    assert updated["text"] == "v2"
    message = fake.message("C0INCIDENTS", ts)
    assert message is not None
    assert message["blocks"] == [SECTION]  # omitted blocks are kept
    client.chat_update(channel="C0INCIDENTS", ts=ts, text="v3", blocks=[])
    message = fake.message("C0INCIDENTS", ts)
    assert message is not None
    assert (message["text"], message["blocks"], message["edits"]) == ("v3", [], 2)
    assert [e["text"] for e in message["edit_history"]] == ["v1", "v2"]
    assert "edited" in client.conversations_history(channel="C0INCIDENTS")["messages"][0]
    missing = lambda: client.chat_update(channel="C0INCIDENTS", ts="1.000001", text="x")  # noqa: E731
    assert error_of(missing) == "message_not_found"


def test_bot_cannot_edit_or_delete_a_persons_message(client: WebClient, fake: FakeSlack) -> None:
    said = fake.add_message("C0INCIDENTS", user="U0SUP1", text="help!")
    ts = said["ts"]
    assert error_of(lambda: client.chat_update(channel="C0INCIDENTS", ts=ts, text="x")) == (
        "cant_update_message"
    )
    assert error_of(lambda: client.chat_delete(channel="C0INCIDENTS", ts=ts)) == (
        "cant_delete_message"
    )
    reply = client.chat_postMessage(channel="C0INCIDENTS", text="on it", thread_ts=ts)
    assert reply["message"]["thread_ts"] == ts
    assert [m["user"] for m in fake.thread("C0INCIDENTS", ts)] == ["U0SUP1", "UBOT"]


def test_replies_to_messages_the_fake_never_saw_are_accepted(
    client: WebClient, fake: FakeSlack
) -> None:
    client.chat_postMessage(channel="C0INCIDENTS", text="ack", thread_ts="1700000000.000100")
    assert [m["text"] for m in fake.thread("C0INCIDENTS", "1700000000.000100")] == ["ack"]
    assert fake.messages("C0INCIDENTS") == []


def test_ephemeral_messages(client: WebClient, fake: FakeSlack) -> None:
    answer = client.chat_postEphemeral(channel="C0INCIDENTS", user="U0SUP1", text="only you")
    assert "message_ts" in answer
    (message,) = fake.messages("C0INCIDENTS")
    assert message["ephemeral_for"] == "U0SUP1"
    assert message["ts"] == answer["message_ts"]
    assert client.conversations_history(channel="C0INCIDENTS")["messages"] == []
    assert error_of(
        lambda: client.chat_postEphemeral(channel="C0INCIDENTS", user="U404", text="x")
    ) == ("user_not_found")
    ts = answer["message_ts"]
    assert error_of(lambda: client.chat_update(channel="C0INCIDENTS", ts=ts, text="x")) == (
        "message_not_found"
    )


def test_delete(client: WebClient, fake: FakeSlack) -> None:
    lone = client.chat_postMessage(channel="C0GENERAL", text="oops")["ts"]
    assert client.chat_delete(channel="C0GENERAL", ts=lone)["ts"] == lone
    assert fake.messages("C0GENERAL") == []
    parent = client.chat_postMessage(channel="C0GENERAL", text="parent")["ts"]
    client.chat_postMessage(channel="C0GENERAL", text="reply", thread_ts=parent)
    client.chat_delete(channel="C0GENERAL", ts=parent)
    (tombstone,) = fake.messages("C0GENERAL")
    assert tombstone["deleted"] is True
    assert tombstone["subtype"] == "tombstone"
    assert error_of(lambda: client.chat_delete(channel="C0GENERAL", ts=lone)) == (
        "message_not_found"
    )


# -- conversations and users -----------------------------------------------------------------


def test_dms(client: WebClient, fake: FakeSlack) -> None:
    assert fake.dm_channel("U0SUP1") is None
    opened = client.conversations_open(users="U0SUP1")
    assert opened["channel"] == {"id": "DU0SUP1"}
    assert client.conversations_open(users=["U0SUP1"])["already_open"] is True
    assert fake.dm_channel("U0SUP1") == "DU0SUP1"
    assert client.chat_postMessage(channel="DU0SUP1", text="hi")["channel"] == "DU0SUP1"
    # Posting to a user id lands in the DM too.
    assert client.chat_postMessage(channel="U0SUP2", text="psst")["channel"] == "DU0SUP2"
    assert [m["text"] for m in fake.messages("DU0SUP2")] == ["psst"]
    info = client.conversations_info(channel="DU0SUP1")["channel"]
    assert (info["is_im"], info["user"]) == (True, "U0SUP1")
    group = client.conversations_open(users="U0SUP1,U0SUP2")["channel"]["id"]
    assert group.startswith("G")
    assert client.conversations_open(users="U0SUP2,U0SUP1")["channel"]["id"] == group
    assert error_of(lambda: client.conversations_open(users="U404")) == "user_not_found"


def test_conversations_the_bot_starts_are_announced_once(
    server: FakeSlackServer, client: WebClient, fake: FakeSlack
) -> None:
    events: list[dict[str, Any]] = []
    unsubscribe = fake.subscribe(events.append)
    group = client.conversations_open(users="U0SUP1,U0SUP2", return_im=True)["channel"]
    assert (group["is_mpim"], group["is_private"]) == (True, True)
    assert group["name"] == "mpdm-u0sup1--u0sup2-1"
    client.conversations_open(users="U0SUP2,U0SUP1")
    members = client.conversations_members(channel=group["id"])["members"]
    assert members == ["U0SUP1", "U0SUP2", "UBOT"]
    client.conversations_open(users="U0SUP3")
    assert client.conversations_members(channel="DU0SUP3")["members"] == ["U0SUP3", "UBOT"]
    created = client.conversations_create(name="inc-42", is_private=True)["channel"]
    assert (created["is_private"], created["is_member"]) == (True, True)
    client.chat_postMessage(channel="C0UNSEEN", text="hi")
    # A response_url can name a private conversation the app has never seen.
    hook = WebhookClient(server.response_url("G0HIDDEN", "U0SUP1"))
    assert hook.send(text="there", response_type="in_channel").status_code == 200
    unsubscribe()
    announced = [e["channel"] for e in events if e["type"] == "channel_created"]
    assert [(c["id"], c.get("is_private")) for c in announced] == [
        (group["id"], True),
        ("DU0SUP3", None),
        (created["id"], True),
        ("C0UNSEEN", False),
        ("G0HIDDEN", True),
    ]
    assert all(c["created"] > 0 for c in announced)
    assert fake.channel_by_name("g0hidden")["members"] == ["UBOT"]  # type: ignore[index]


def test_ephemeral_in_someone_elses_dm_is_refused(client: WebClient, fake: FakeSlack) -> None:
    client.conversations_open(users="U0SUP1")
    refused = lambda: client.chat_postEphemeral(channel="DU0SUP1", user="U0SUP2", text="x")  # noqa: E731
    assert error_of(refused) == "user_not_in_channel"
    assert client.chat_postEphemeral(channel="DU0SUP1", user="U0SUP1", text="x")["ok"]
    assert [m["ephemeral_for"] for m in fake.messages("DU0SUP1")] == ["U0SUP1"]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("Incident", "invalid_name_specials"),
        ("inc 42", "invalid_name_specials"),
        ("inc#42", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("--", "invalid_name_punctuation"),
        ("incidents", "name_taken"),
    ],
)
def test_channel_name_rules(client: WebClient, name: str, error: str) -> None:
    assert error_of(lambda: client.conversations_create(name=name)) == error


def test_create_and_invite(client: WebClient, fake: FakeSlack) -> None:
    created = client.conversations_create(name="inc-42_db-down")["channel"]
    assert created["id"].startswith("C")
    assert created["name"] == "inc-42_db-down"
    assert created["is_member"] is True
    assert fake.channel_by_name("inc-42_db-down")["id"] == created["id"]  # type: ignore[index]
    assert error_of(lambda: client.conversations_create(name="inc-42_db-down")) == "name_taken"

    channel = created["id"]
    client.conversations_invite(channel=channel, users="U0SUP1,U0SUP2")
    members = client.conversations_members(channel=channel)["members"]
    assert members == ["UBOT", "U0SUP1", "U0SUP2"]
    assert error_of(lambda: client.conversations_invite(channel=channel, users="U0SUP1")) == (
        "already_in_channel"
    )
    # Without force one bad id fails the whole call and invites nobody.
    assert error_of(lambda: client.conversations_invite(channel=channel, users="U0SUP3,U404")) == (
        "user_not_found"
    )
    assert "U0SUP3" not in client.conversations_members(channel=channel)["members"]
    forced = client.conversations_invite(channel=channel, users="U0SUP3,U404", force=True)
    assert forced["errors"] == [{"user": "U404", "ok": False, "error": "user_not_found"}]
    assert "U0SUP3" in client.conversations_members(channel=channel)["members"]
    assert error_of(lambda: client.conversations_invite(channel=channel, users="UBOT")) == (
        "cant_invite_self"
    )
    info = client.conversations_info(channel=channel, include_num_members=True)["channel"]
    assert info["num_members"] == 4


def test_users(client: WebClient, fake: FakeSlack) -> None:
    sam = client.users_info(user="U0SUP1")["user"]
    assert (sam["name"], sam["real_name"], sam["profile"]["real_name"]) == (
        "sam",
        "Sam Support",
        "Sam Support",
    )
    assert sam["is_bot"] is False
    assert error_of(lambda: client.users_info(user="U404")) == "user_not_found"
    everyone = client.users_list()["members"]
    assert {u["id"] for u in everyone} == {"UBOT", "U0SUP1", "U0SUP2", "U0SUP3"}
    pages = list(client.users_list(limit=2))
    assert [len(p["members"]) for p in pages] == [2, 2]
    fake.add_user({"id": "U0NEW", "name": "new"})
    assert client.users_info(user="U0NEW")["user"]["name"] == "new"


def test_channels_added_later(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel(
        {"id": "G0SECRET", "name": "secret", "is_private": True, "members": ["U0SUP1"]}
    )
    assert fake.messages("secret") == []
    info = client.conversations_info(channel="G0SECRET")["channel"]
    assert (info["name"], info["is_private"], info["is_member"]) == ("secret", True, False)
    assert client.conversations_members(channel="G0SECRET")["members"] == ["U0SUP1"]
    assert client.chat_postMessage(channel="#secret", text="psst")["channel"] == "G0SECRET"


# -- views ----------------------------------------------------------------------------------


def test_modal_lifecycle(client: WebClient, fake: FakeSlack) -> None:
    opened = client.views_open(trigger_id=new_trigger_id("U0SUP1"), view=MODAL)["view"]
    assert opened["id"].startswith("V")
    assert opened["hash"]
    assert opened["root_view_id"] == opened["id"]
    assert opened["state"] == {"values": {}}
    assert [v["id"] for v in fake.views_for("U0SUP1")] == [opened["id"]]

    stale = opened["hash"]
    updated = client.views_update(view_id=opened["id"], view=MODAL, hash=stale)["view"]
    assert updated["hash"] != stale
    conflict = lambda: client.views_update(view_id=opened["id"], view=MODAL, hash=stale)  # noqa: E731
    assert error_of(conflict) == "hash_conflict"

    pushed = client.views_push(trigger_id=new_trigger_id("U0SUP1"), view=MODAL)["view"]
    assert pushed["previous_view_id"] == opened["id"]
    assert pushed["root_view_id"] == opened["id"]
    client.views_push(trigger_id=new_trigger_id("U0SUP1"), view=MODAL)
    assert len(fake.views_for("U0SUP1")) == 3
    too_deep = lambda: client.views_push(trigger_id=new_trigger_id("U0SUP1"), view=MODAL)  # noqa: E731
    assert error_of(too_deep) == "push_limit_reached"

    fake.close_view(opened["id"])
    assert fake.views_for("U0SUP1") == []
    assert error_of(lambda: client.views_update(view_id=opened["id"], view=MODAL)) == "not_found"


def test_view_triggers_are_required_single_use_and_expire(
    client: WebClient, fake: FakeSlack
) -> None:
    assert error_of(lambda: client.views_open(trigger_id="", view=MODAL)) == "invalid_arguments"
    trigger = new_trigger_id("U0SUP1")
    client.views_open(trigger_id=trigger, view=MODAL)
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=MODAL)) == (
        "exchanged_trigger_id"
    )
    fake.trigger_ttl = 0.0
    try:
        old = new_trigger_id("U0SUP1")
        time.sleep(0.01)
        assert error_of(lambda: client.views_open(trigger_id=old, view=MODAL)) == (
            "expired_trigger_id"
        )
    finally:
        fake.trigger_ttl = 3.0
    # Opaque (e.g. copied from a real payload) trigger ids work; the user is just unknown.
    assert client.views_open(trigger_id="111.222.valid", view=MODAL)["ok"]


def test_views_by_external_id(client: WebClient) -> None:
    view = {**MODAL, "external_id": "incident-42"}
    client.views_open(trigger_id=new_trigger_id("U0SUP1"), view=view)
    dup = lambda: client.views_open(trigger_id=new_trigger_id("U0SUP2"), view=view)  # noqa: E731
    assert error_of(dup) == "duplicate_external_id"
    changed = {**view, "title": {"type": "plain_text", "text": "Renamed"}}
    updated = client.views_update(external_id="incident-42", view=changed)["view"]
    assert updated["title"]["text"] == "Renamed"
    assert error_of(lambda: client.views_update(external_id="nope", view=MODAL)) == "not_found"


def test_app_home(client: WebClient, fake: FakeSlack) -> None:
    first = client.views_publish(user_id="U0SUP1", view=HOME)["view"]
    second = client.views_publish(user_id="U0SUP1", view=HOME, hash=first["hash"])["view"]
    assert second["id"] == first["id"]
    assert fake.views_for("U0SUP1")[-1]["type"] == "home"
    stale = lambda: client.views_publish(user_id="U0SUP1", view=HOME, hash=first["hash"])  # noqa: E731
    assert error_of(stale) == "hash_conflict"
    assert error_of(lambda: client.views_publish(user_id="U404", view=HOME)) == "invalid_arguments"
    assert error_of(lambda: client.views_publish(user_id="U0SUP1", view=MODAL)) == (
        "invalid_arguments"
    )


# -- strict blocks --------------------------------------------------------------------------


def test_invalid_blocks_are_rejected_like_slack(client: WebClient, fake: FakeSlack) -> None:
    bad = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C0GENERAL", text="t", blocks=[bad])
    assert caught.value.response["error"] == "invalid_blocks"
    assert caught.value.response["errors"] == ["blocks[0].text: 151 chars > 150"]
    bad_modal = {**MODAL, "title": {"type": "plain_text", "text": "A title far too long to fit"}}
    trigger = new_trigger_id("U0SUP1")
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=bad_modal)) == (
        "invalid_blocks"
    )
    # A rejected view does not use up the trigger.
    assert client.views_open(trigger_id=trigger, view=MODAL)["ok"]
    assert [c.method for c in fake.invalid_calls()] == ["chat.postMessage", "views.open"]
    assert fake.messages("C0GENERAL") == []

    fake.strict_blocks = False
    assert client.chat_postMessage(channel="C0GENERAL", text="t", blocks=[bad])["ok"]


# -- fault injection and retries -------------------------------------------------------------


def test_rate_limit_is_retried_after_retry_after_and_delivered_once(
    server: FakeSlackServer, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)  # slack_sdk adds up to 1 s of jitter
    client = WebClient(
        token="xoxb-test",
        base_url=server.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    assert client.chat_postMessage(channel="C0INCIDENTS", text="hello")["ok"]
    assert time.monotonic() - started >= 1.0
    limited, delivered = fake.calls_to("chat.postMessage")
    assert (limited.status, limited.ok, limited.error) == (429, False, "ratelimited")
    assert (delivered.status, delivered.ok) == (200, True)
    assert len(fake.messages("C0INCIDENTS")) == 1


def test_server_error_is_retried_and_does_not_change_state(
    server: FakeSlackServer, fake: FakeSlack
) -> None:
    handler = ServerErrorRetryHandler(
        max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
    )
    client = WebClient(token="xoxb-test", base_url=server.api_url, retry_handlers=[handler])
    fake.fail_next("conversations.create", status=500)
    assert client.conversations_create(name="inc-7")["ok"]
    failed, created = fake.calls_to("conversations.create")
    assert (failed.status, failed.error) == (500, "internal_error")
    assert created.ok
    assert len(fake.delivered("conversations.create")) == 1

    fake.fail_next("conversations.create", status=503, times=2)
    assert error_of(lambda: client.conversations_create(name="inc-8")) == "internal_error"
    assert fake.channel_by_name("inc-8") is None


def test_fail_next_any_method_and_custom_errors(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("*", status=200, error="not_in_channel")
    assert error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="x")) == (
        "not_in_channel"
    )
    assert client.chat_postMessage(channel="C0GENERAL", text="x")["ok"]
    fake.fail_next("users.info", status=500, times=2)
    assert client.auth_test()["ok"]  # other methods unaffected
    with pytest.raises(SlackApiError):
        client.users_info(user="U0SUP1")
    with pytest.raises(SlackApiError):
        client.users_info(user="U0SUP1")
    assert client.users_info(user="U0SUP1")["ok"]


def test_fail_for_a_time_window(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_for("auth.test", status=503, seconds=0.3)
    for _ in range(3):
        with pytest.raises(SlackApiError):
            client.auth_test()
    time.sleep(0.35)
    assert client.auth_test()["ok"]
    assert [c.status for c in fake.calls_to("auth.test")] == [503, 503, 503, 200]


async def test_async_client_with_retries(
    server: FakeSlackServer, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)
    client = AsyncWebClient(
        token="xoxb-test",
        base_url=server.api_url,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(
                max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
            ),
        ],
    )
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    posted = await client.chat_postMessage(channel="C0INCIDENTS", text="async", blocks=[SECTION])
    assert posted["ok"]
    assert time.monotonic() - started >= 1.0
    fake.fail_next("users.info", status=500)
    user = await client.users_info(user="U0SUP1")  # a GET with query parameters
    assert user["user"]["id"] == "U0SUP1"
    history = await client.conversations_history(channel="C0INCIDENTS")
    assert [m["text"] for m in history["messages"]] == ["async"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]
    assert [c.status for c in fake.calls_to("users.info")] == [500, 200]
    assert len(fake.messages("C0INCIDENTS")) == 1


# -- recorder helpers -----------------------------------------------------------------------


def test_wait_for_sees_calls_from_another_thread(client: WebClient, fake: FakeSlack) -> None:
    def later() -> None:
        time.sleep(0.05)
        client.chat_postMessage(channel="C0GENERAL", text="one")
        client.chat_postMessage(channel="C0INCIDENTS", text="two")

    threading.Thread(target=later).start()
    calls = fake.wait_for("chat.postMessage", count=2, timeout=2)
    assert [c.args["text"] for c in calls] == ["one", "two"]
    (only,) = fake.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "C0INCIDENTS")
    assert isinstance(only, Call)


def test_wait_for_times_out_with_a_listing(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0GENERAL", text="x")
    with pytest.raises(AssertionError, match=r"chat.postMessage -> 500 internal_error"):
        fake.wait_for("chat.postMessage", timeout=0.05)
    assert len(fake.wait_for("chat.postMessage", ok=False)) == 1


def test_subscribe_streams_changes(client: WebClient, fake: FakeSlack) -> None:
    events: list[dict[str, Any]] = []
    unsubscribe = fake.subscribe(events.append)
    ts = client.chat_postMessage(channel="C0GENERAL", text="hi")["ts"]
    client.chat_update(channel="C0GENERAL", ts=ts, text="edited")
    with pytest.raises(SlackApiError):
        client.chat_update(channel="C0GENERAL", ts="1.000001", text="x")
    unsubscribe()
    client.chat_postMessage(channel="C0GENERAL", text="unseen")
    assert [e["type"] for e in events] == [
        "message",
        "api_call",
        "message_changed",
        "api_call",
        "api_call",
    ]
    assert events[0]["message"]["text"] == "hi"
    assert events[2]["message"]["text"] == "edited"
    assert events[4]["call"]["error"] == "message_not_found"


def test_reset_restores_the_initial_workspace(client: WebClient, fake: FakeSlack) -> None:
    client.conversations_create(name="temp")
    client.chat_postMessage(channel="C0GENERAL", text="x")
    fake.fail_next("*", status=500, times=5)
    fake.reset()
    assert fake.calls == []
    assert fake.channel_by_name("temp") is None
    assert fake.messages("C0GENERAL") == []
    assert fake.channel_by_name("incidents") is not None
    assert client.auth_test()["ok"]


def test_permalinks(client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0INCIDENTS", text="x")["ts"]
    link = client.chat_getPermalink(channel="C0INCIDENTS", message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/C0INCIDENTS/p{ts.replace('.', '')}")
    missing = lambda: client.chat_getPermalink(channel="C0INCIDENTS", message_ts="1.1")  # noqa: E731
    assert error_of(missing) == "message_not_found"


def test_response_url_posts(server: FakeSlackServer, fake: FakeSlack) -> None:
    webhook = WebhookClient(server.response_url("C0INCIDENTS", "U0SUP1"))
    assert webhook.send(text="just you").status_code == 200
    assert webhook.send(text="everyone", response_type="in_channel").status_code == 200
    ephemeral, public = fake.messages("C0INCIDENTS")
    assert (ephemeral["text"], ephemeral["ephemeral_for"]) == ("just you", "U0SUP1")
    assert (public["text"], public["ephemeral_for"]) == ("everyone", None)

    replace = WebhookClient(server.response_url("C0INCIDENTS", "U0SUP1", public["ts"]))
    assert replace.send(text="replaced", replace_original=True).status_code == 200
    assert fake.message("C0INCIDENTS", public["ts"])["text"] == "replaced"  # type: ignore[index]
    bad = [{"type": "header", "text": {"type": "mrkdwn", "text": "no"}}]
    assert replace.send(text="x", blocks=bad).status_code == 400
    assert [c.ok for c in fake.calls_to("response_url")] == [True, True, True, False]
    assert fake.calls_to("response_url")[0].args["hook_user"] == "U0SUP1"
    # Commands typed in a DM the bot never opened still get their answer there.
    assert (
        WebhookClient(server.response_url("DU0SUP2", "U0SUP2")).send(text="hi").status_code == 200
    )
    assert fake.messages("DU0SUP2")[0]["ephemeral_for"] == "U0SUP2"


def test_response_url_edits_and_deletes_the_original(
    server: FakeSlackServer, client: WebClient, fake: FakeSlack
) -> None:
    ts = client.chat_postMessage(channel="C0INCIDENTS", text="v1")["ts"]
    hook = WebhookClient(server.response_url("C0INCIDENTS", "U0SUP1", ts))
    assert hook.send(text="v2", replace_original=True).status_code == 200
    edited = fake.message("C0INCIDENTS", ts)
    assert edited is not None
    assert (edited["text"], edited["edits"]) == ("v2", 1)
    assert [e["text"] for e in edited["edit_history"]] == ["v1"]
    assert hook.send(text="", delete_original=True).status_code == 200
    assert fake.message("C0INCIDENTS", ts) is None
    orphan = WebhookClient(server.response_url("C0INCIDENTS", "U0SUP1"))
    assert orphan.send(text="x", replace_original=True).status_code == 400
    assert orphan.send(text="", delete_original=True).status_code == 400
    assert [c.error for c in fake.calls_to("response_url")][-2:] == [
        "message_not_found",
        "message_not_found",
    ]


# -- files.* (the external upload flow) and conversations.join ------------------------------


def test_files_upload_v2_shares_the_file_in_a_thread_with_its_alt_text(fake, client):
    fake.add_channel({"id": "C0REPORTS", "name": "reports", "members": ["U0SUP1"]})
    post = client.chat_postMessage(channel="C0REPORTS", text="report")  # chat:write.public
    # Sharing a file needs membership, whatever chat:write.public lets through.
    assert (
        error_of(
            lambda: client.files_upload_v2(
                channel="C0REPORTS", content=b"\x89PNG-1", filename="a.png", title="A"
            )
        )
        == "not_in_channel"
    )
    assert client.conversations_join(channel="C0REPORTS")["channel"]["is_member"] is True
    assert client.conversations_join(channel="C0REPORTS")["warning"] == "already_in_channel"
    done = client.files_upload_v2(
        channel="C0REPORTS",
        thread_ts=post["ts"],
        content=b"\x89PNG-2",
        filename="chart.png",
        title="Chart",
        alt_txt="what it shows",
    )
    shared = done["file"]
    assert (shared["title"], shared["mimetype"], shared["alt_txt"]) == (
        "Chart",
        "image/png",
        "what it shows",
    )
    assert fake.file(shared["id"])["content"] == b"\x89PNG-2"
    reply = fake.thread("C0REPORTS", post["ts"])[1]
    assert reply["files"][0]["id"] == shared["id"]
    assert httpx.get(shared["url_private"]).content == b"\x89PNG-2"
    uploaded = fake.calls_to("upload_url")[-1].args
    assert (uploaded["file_id"], uploaded["length"]) == (shared["id"], 6)


def test_an_upload_url_is_a_capability_only_whole(fake, client):
    started = client.files_getUploadURLExternal(filename="a.png", length=3)
    url = started["upload_url"]
    assert url.rsplit("/", 2)[1] == started["file_id"]
    guessed = url.rsplit("/", 1)[0] + "/not-the-secret"
    assert httpx.post(guessed, content=b"abc").status_code == 404
    assert httpx.post(url.rsplit("/", 1)[0], content=b"abc").status_code in (404, 405)
    assert httpx.post(url, content=b"abc").status_code == 200


def test_completing_an_upload_that_never_arrived_is_refused(fake, client):
    started = client.files_getUploadURLExternal(filename="a.png", length=3)
    assert (
        error_of(lambda: client.files_completeUploadExternal(files=[{"id": started["file_id"]}]))
        == "file_upload_not_completed"
    )
