"""The playground's bridge: what the page sends reaches the bot as signed Slack requests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.config import Plan
from bot.oncall import Calendar
from tests.integration.flows import eventually
from tests.support.playground_server import PlaygroundServer


@pytest.fixture
def playground(sqlite_url: str) -> Iterator[PlaygroundServer]:
    with PlaygroundServer(Plan(), sqlite_url) as server:
        yield server


def state_of(playground: PlaygroundServer) -> dict:
    return httpx.get(f"{playground.url}/pg/state").json()


def pane(playground: PlaygroundServer, user: str, channel: str) -> str:
    return httpx.get(f"{playground.url}/pg/pane", params={"user": user, "channel": channel}).text


def command(playground: PlaygroundServer, user: str, text: str, channel: str = "C0INCIDENTS"):
    answer = httpx.post(
        f"{playground.url}/pg/command", json={"user": user, "channel": channel, "text": text}
    )
    assert answer.json()["ok"] is True, answer.text
    return answer


def test_state_lists_people_per_level_plus_admin_and_the_channels(playground):
    state = state_of(playground)
    assert [p["role"] for p in state["people"]] == [
        "level 1",
        "level 2",
        "level 3, admin",
        "level 4, admin",
    ]
    assert [c["name"] for c in state["channels"]] == ["incidents", "ops", "reports", "alerts"]
    assert state["commands"] == [
        "/alerts",
        "/checklist",
        "/incident",
        "/oncall",
        "/report",
        "/runbook",
    ]


def test_the_demo_people_are_whoever_is_on_call_now_and_everyone_else_is_listed(playground):
    # The playground runs on the real clock, so ask the calendar who that is today.
    plan = Plan()
    calendar, now = Calendar(plan), datetime.now(UTC)
    expected = [calendar.scheduled(tuple(level.members), now)[0] for level in plan.escalation]
    state = state_of(playground)
    assert [p["id"] for p in state["people"]] == expected
    everyone = {m for level in plan.escalation for m in level.members} | set(plan.admins)
    assert {p["id"] for p in state["people"] + state["others"]} == everyone
    assert len(state["people"] + state["others"]) == len(everyone)


def test_the_composer_knows_each_command_and_its_usage(playground):
    hints = {h["command"]: h for h in state_of(playground)["hints"]}
    assert sorted(hints) == state_of(playground)["commands"]
    assert hints["/oncall"]["usage"] == "[schedule] | cover @someone LEVEL [until] | help"
    assert hints["/oncall"]["description"].startswith("Who is on call now")
    page = httpx.get(playground.url).text
    assert 'list="commands"' in page and 'id="composer-hint"' in page


def test_oncall_from_the_composer_shows_the_roster_and_mentions_reach_it_escaped(playground):
    command(playground, "U0MGR1", "/oncall", channel="C0OPS")
    eventually(lambda: "On call now" in pane(playground, "U0MGR1", "C0OPS"))
    # /oncall is escaped (manifest: should_escape), as Slack sends it: @sam → <@U0SUP1|sam>.
    command(playground, "U0MGR1", "/oncall cover @sam 1 2h", channel="C0OPS")
    eventually(lambda: "covers level 1" in pane(playground, "U0MGR1", "C0OPS"))
    assert state_of(playground)["people"][0]["id"] == "U0SUP1"  # on call for level 1 now


def test_a_tier_one_incident_pages_the_demo_people_of_levels_one_and_two(playground):
    people = state_of(playground)["people"]
    level_1, level_2, _, manager = (p["id"] for p in people)
    command(playground, manager, "/incident checkout is broken for everyone")
    for person in (level_1, level_2):
        dm = eventually(
            lambda p=person: (t := pane(playground, p, "dm")) and "Page: INC-1" in t and t
        )
        assert 'data-action-id="page.acknowledge"' in dm
        assert 'data-action-id="page.decline"' in dm
    assert "Page: INC-1" not in pane(playground, manager, "dm")


def test_cant_take_it_opens_its_modal_and_passes_the_page_on(playground):
    fake = playground.playground.fake
    people = state_of(playground)["people"]
    level_2, manager = people[1]["id"], people[3]["id"]
    command(playground, manager, "/incident checkout is broken for everyone")
    page = eventually(
        lambda: next((m for m in fake.messages(f"D{level_2}") if "INC-1" in m["text"]), None)
    )
    click = {"action_id": "page.decline", "block_id": "page_actions", "type": "button"}
    answer = httpx.post(
        f"{playground.url}/pg/action",
        json={
            "user": level_2,
            "channel": page["channel"],
            "ts": page["ts"],
            "action": {**click, "value": "1"},
        },
    )
    assert answer.json()["ok"] is True
    modal = eventually(
        lambda: httpx.get(f"{playground.url}/pg/modal", params={"user": level_2}).text
    )
    assert "Can&#39;t take INC-1" in modal and "Why not?" in modal
    assert "(optional)" in modal and "required" not in modal
    assert 'name="reason.reason"' in modal and "Pass it on" in modal
    view_id = fake.views_for(level_2)[-1]["id"]
    empty = {"reason": {"reason": {"type": "plain_text_input", "value": None}}}
    submitted = httpx.post(
        f"{playground.url}/pg/submit", json={"user": level_2, "view_id": view_id, "values": empty}
    )
    assert submitted.json() == {"ok": True}
    assert httpx.get(f"{playground.url}/pg/modal", params={"user": level_2}).text == ""
    dm = eventually(
        lambda: (t := pane(playground, level_2, "dm")) and "can&#39;t take it" in t and t
    )
    assert 'data-action-id="page.acknowledge"' not in dm


def test_a_command_from_the_page_declares_through_the_signed_endpoint(playground):
    fake = playground.playground.fake
    answer = httpx.post(
        f"{playground.url}/pg/command",
        json={"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/incident emails not sending"},
    )
    assert answer.json()["ok"] is True
    eventually(
        lambda: [
            m
            for m in fake.messages("C0INCIDENTS")
            if "INC-1" in m["text"] and not m["ephemeral_for"]
        ]
    )
    pane = httpx.get(
        f"{playground.url}/pg/pane", params={"user": "U0SUP1", "channel": "C0INCIDENTS"}
    ).text
    assert "INC-1" in pane and "data-action-id" in pane


def test_help_from_the_ack_shows_only_to_the_typist(playground):
    httpx.post(
        f"{playground.url}/pg/command",
        json={"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/incident help"},
    )
    mine = httpx.get(
        f"{playground.url}/pg/pane", params={"user": "U0SUP1", "channel": "C0INCIDENTS"}
    ).text
    theirs = httpx.get(
        f"{playground.url}/pg/pane", params={"user": "U0DEV1", "channel": "C0INCIDENTS"}
    ).text
    assert "/incident list" in mine and "/incident list" not in theirs


def test_unknown_commands_are_refused_like_slack_does(playground):
    answer = httpx.post(
        f"{playground.url}/pg/command",
        json={"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/nope"},
    )
    assert answer.json()["error"] == "unknown_command"


def test_jobs_panel_lists_and_runs_jobs(playground):
    jobs = httpx.get(f"{playground.url}/pg/jobs").json()
    names = [j["name"] for j in jobs]
    assert {"outbox", "sla-watcher", "oncall-handoff"} <= set(names)
    for name in ("outbox", "sla-watcher", "oncall-handoff"):
        # The page posts {} as JSON (app.js), like every post it sends.
        assert httpx.post(f"{playground.url}/pg/jobs/{name}", json={}).json()["ok"] is True
    assert httpx.post(f"{playground.url}/pg/jobs/nope", json={}).status_code == 404


def test_the_page_and_its_assets_need_no_internet(playground):
    page = httpx.get(playground.url).text
    assert "http://" not in page and "https://" not in page
    for asset in ("/static/app.js", "/static/playground.css", "/static/blocks.css"):
        body = httpx.get(playground.url + asset)
        assert body.status_code == 200
        assert "https://" not in body.text and "http://" not in body.text


# -- only this machine's page and the bot inside may drive it (CSRF, DNS rebinding) ----------

DECLARE = {"user": "U0SUP1", "channel": "C0INCIDENTS", "text": "/incident emails not sending"}


def nothing_declared(playground: PlaygroundServer) -> bool:
    time.sleep(0.5)
    return not any("INC-1" in m["text"] for m in playground.playground.fake.messages("C0INCIDENTS"))


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_a_post_that_a_cross_site_form_could_send_is_refused(playground, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    for path, body in [("/pg/command", DECLARE), ("/pg/jobs/outbox", {})]:
        answer = httpx.post(f"{playground.url}{path}", content=json.dumps(body), headers=headers)
        assert answer.status_code == 403, path
    assert nothing_declared(playground)


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "[::2]:{port}"]
)
def test_another_host_name_is_refused_dns_rebinding(playground, host):
    port = playground.url.rsplit(":", 1)[1]
    headers = {"Host": host.format(port=port)}
    assert (
        httpx.get(
            f"{playground.url}/pg/pane?user=U0SUP1&channel=C0INCIDENTS", headers=headers
        ).status_code
        == 403
    )
    assert httpx.get(playground.url, headers=headers).status_code == 403
    assert (
        httpx.post(f"{playground.url}/pg/command", json=DECLARE, headers=headers).status_code == 403
    )
    assert nothing_declared(playground)


def test_localhost_and_the_address_itself_are_accepted(playground):
    port = playground.url.rsplit(":", 1)[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        assert httpx.get(f"{playground.url}/pg/state", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "https://127.0.0.1:{port}"])
def test_a_request_from_another_origin_is_refused(playground, origin):
    port = playground.url.rsplit(":", 1)[1]
    headers = {"Origin": origin.format(port=port)}
    answer = httpx.post(f"{playground.url}/pg/command", json=DECLARE, headers=headers)
    assert answer.status_code == 403
    assert nothing_declared(playground)


def test_the_pages_own_origin_is_accepted(playground):
    answer = httpx.post(
        f"{playground.url}/pg/command", json=DECLARE, headers={"Origin": playground.url}
    )
    assert answer.status_code == 200 and answer.json()["ok"] is True


def test_the_emulators_web_api_answers_only_the_playgrounds_bot(playground):
    api = f"{playground.url}/fake/api/conversations.history"
    for token in (None, "xoxb-playground", "xoxb-anything"):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        assert httpx.get(api, params={"channel": "C0INCIDENTS"}, headers=headers).status_code == 403
    posted = httpx.post(
        f"{playground.url}/fake/api/chat.postMessage",
        data={"token": "xoxb-x", "channel": "C0INCIDENTS", "text": "forged"},
    )
    assert posted.status_code == 403
    bot = {"Authorization": f"Bearer {playground.playground.bot_token}"}
    assert httpx.get(api, params={"channel": "C0INCIDENTS"}, headers=bot).json()["ok"] is True


def test_a_report_chart_shows_as_an_image_in_the_report_thread(playground):
    answer = httpx.post(f"{playground.url}/pg/jobs/report:weekly", json={}, timeout=30)
    assert answer.json()["ok"] is True, answer.text
    fake = playground.playground.fake

    def weekly() -> dict | None:
        return next((m for m in fake.messages("C0REPORTS") if m["text"].startswith("Weekly")), None)

    # The job may catch up on a missed daily or monthly report first (on the 1st of a month
    # the monthly review brings charts of its own): count the weekly thread's uploads.
    report = eventually(weekly, timeout=30)

    def in_its_thread() -> int:
        uploads = fake.delivered("files.completeUploadExternal")
        return sum(1 for c in uploads if c.args.get("thread_ts") == report["ts"])

    eventually(lambda: in_its_thread() == 2, timeout=30)
    html = httpx.get(
        f"{playground.url}/pg/thread",
        params={"user": "U0MGR1", "channel": "C0REPORTS", "ts": report["ts"]},
    ).text
    assert html.count('class="file-image"') == 2
    assert 'alt="Stacked bar chart of incidents declared per day by tier' in html
    src = html.split('class="file-image" src="', 1)[1].split('"', 1)[0]
    assert src.startswith(f"{playground.url}/fake/files/F")
    image = httpx.get(src)
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_favicon_is_served_not_a_404_on_every_load(playground):
    icon = httpx.get(f"{playground.url}/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")


def test_a_job_with_nothing_to_do_says_nothing_was_due(playground):
    idle = httpx.post(f"{playground.url}/pg/jobs/sla-watcher", json={}).json()
    assert idle["ok"] is True and idle["said"].endswith("nothing was due.")
    httpx.post(f"{playground.url}/pg/command", json=DECLARE)
    busy = httpx.post(f"{playground.url}/pg/jobs/checklist:morning", json={}).json()
    assert busy["said"].startswith("Ran ")


def test_running_a_checklist_job_twice_from_the_panel_points_at_the_first_post(playground):
    first = httpx.post(f"{playground.url}/pg/jobs/checklist:wednesday", json={}).json()
    assert first["said"].startswith("Ran ")
    second = httpx.post(f"{playground.url}/pg/jobs/checklist:wednesday", json={}).json()
    assert "Wednesday tasks" in second["said"] and "already posted" in second["said"]
    assert "again" in second["said"]  # and how to post it again on purpose
