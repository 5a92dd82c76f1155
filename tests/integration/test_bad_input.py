"""SPEC §10: bad signatures, bad input, unknown ids and actions — clear answers, no 5xx."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from bot.slack import Action
from playground.slack_requests import sign, signed_headers
from tests.integration.conftest import SECRET
from tests.integration.flows import declare, eventually, replies_to, settled


def nothing_stored(db: sa.Engine) -> bool:
    with db.connect() as conn:
        return conn.scalar(sa.text("SELECT count(*) FROM incidents")) == 0


@pytest.mark.parametrize("fault", ["missing", "wrong", "stale", "other-secret"])
def test_unsigned_or_badly_signed_requests_are_401_and_change_nothing(slack, reporter, db, fault):
    body = reporter.command_body("site down")
    headers = signed_headers(SECRET, body)
    if fault == "missing":
        headers.pop("X-Slack-Signature")
    elif fault == "wrong":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif fault == "stale":
        stamp = int(time.time()) - 6 * 60
        headers = signed_headers(SECRET, body, timestamp=stamp)
    else:
        headers["X-Slack-Signature"] = sign(
            "not-the-secret", body, int(headers["X-Slack-Request-Timestamp"])
        )
    response = reporter.send(body, headers=headers)
    assert response.status_code == 401
    time.sleep(0.2)
    assert nothing_stored(db)
    assert not slack.calls_to("chat.postMessage") and not slack.calls_to("response_url")


def test_help_and_unknown_subcommands_answer_with_help(reporter, db):
    help_answer = reporter.command("help").json()
    assert "How to use /incident" in help_answer["text"]
    assert "`/incident ack ID`" in str(help_answer["blocks"])
    unknown = reporter.command("frobnicate INC-3").json()
    assert "There is no subcommand “frobnicate”" in str(unknown["blocks"])
    assert nothing_stored(db)


@pytest.mark.parametrize(
    "text", ["ack INC-99", "show 99", "escalate 99", "reopen INC-99", "resolve 99"]
)
def test_unknown_incident_ids_get_a_clear_answer(slack, reporter, text):
    assert reporter.command(text).status_code == 200
    assert any("There is no incident *INC-99*" in t for t in replies_to("U1", slack))


@pytest.mark.parametrize("tier", ["0", "9"])
def test_tiers_outside_the_plan_are_refused(slack, reporter, db, tier):
    declare(reporter, slack, "emails not sending")
    reporter.command(f"tier INC-1 {tier}")
    assert any(f"There is no Tier {tier}" in t for t in replies_to("U1", slack, count=2))
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT tier FROM incidents")) == 2


def test_already_resolved_incidents_say_so(slack, reporter, db):
    declare(reporter, slack, "emails not sending")
    reporter.command("resolve INC-1")
    view = slack.wait_for("views.open")[0].response["view"]
    reporter.submit(view, {"summary": "fixed"})
    reporter.command("ack INC-1")
    assert any("already resolved" in t for t in replies_to("U1", slack, count=2))


def test_an_unknown_action_id_is_answered_not_404(slack, reporter):
    post = declare(reporter, slack, "emails not sending")
    stale = {
        **post,
        "blocks": [
            {
                "type": "actions",
                "block_id": "old",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "incident.obsolete",
                        "value": "1",
                        "text": {"type": "plain_text", "text": "Old"},
                    }
                ],
            }
        ],
    }
    assert reporter.click(stale, "incident.obsolete").status_code == 200
    assert any("older version" in t for t in replies_to("U1", slack, count=2))


def test_a_click_on_the_post_of_a_deleted_incident(slack, reporter, db):
    post = declare(reporter, slack, "emails not sending")
    eventually(lambda: len(slack.calls_to("response_url")) >= 1)
    eventually(lambda: settled(db))  # no delivery holds a row lock while the rows go
    with db.begin() as conn:
        conn.execute(sa.text("DELETE FROM outbox"))
        conn.execute(sa.text("DELETE FROM incident_events"))
        conn.execute(sa.text("DELETE FROM incidents"))
    assert reporter.click(post, Action.ACKNOWLEDGE).status_code == 200
    assert any("There is no incident *INC-1*" in t for t in replies_to("U1", slack, count=2))


def test_a_double_click_resolves_into_one_acknowledgement(slack, reporter, responder, db):
    post = declare(reporter, slack, "emails not sending")
    first = responder.click(post, Action.ACKNOWLEDGE)
    second = responder.click(post, Action.ACKNOWLEDGE)
    assert first.status_code == second.status_code == 200
    eventually(lambda: len(slack.calls_to("response_url")) >= 2)
    with db.connect() as conn:
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM incident_events WHERE kind = 'acknowledged'"))
            == 1
        )


@pytest.mark.parametrize(
    "body",
    [
        b"payload=not-json",
        b"payload=" + quote(json.dumps({"type": "block_actions"})).encode(),
        b"payload=" + quote(json.dumps({"type": "view_submission", "view": {}})).encode(),
        b"\xff\xfe garbage",
        b"",
    ],
)
def test_malformed_signed_payloads_never_5xx(reporter, db, body):
    response = reporter.send(body)
    assert response.status_code < 500
    assert nothing_stored(db)


def test_empty_command_text_opens_the_form_not_an_error(slack, reporter, db):
    assert reporter.command("   ").status_code == 200
    slack.wait_for("views.open")
    assert nothing_stored(db)


def test_health(http):
    answer = http.get("/healthz")
    assert answer.status_code == 200 and answer.json()["ok"] is True
