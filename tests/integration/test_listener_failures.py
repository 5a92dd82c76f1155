"""SPEC §10: a failure after the ack is always answered (the error notice), never silent.

The failures are real: the incidents table is dropped under the running bot, so the services
raise the database's own error, which no listener expects."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from bot.slack import Action, Field
from playground.slack_requests import block_actions_body
from tests.integration.flows import declare, eventually, replies_to, settled

NOTICE = "Something went wrong on our side"
# Typed by the user: it must reach neither the log nor anyone but them.
PRIVATE = "zebra stampede in rack 7"


def break_the_database(db: sa.Engine) -> None:
    cascade = " CASCADE" if db.dialect.name == "postgresql" else ""
    with db.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE incidents{cascade}"))


def failures_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "listener" in r.getMessage() and r.exc_info]


def test_a_command_failing_after_its_ack_answers_with_the_error_notice(slack, reporter, db, caplog):
    break_the_database(db)
    response = reporter.command(PRIVATE)
    assert response.status_code == 200 and NOTICE not in response.text  # acked, then failed
    assert any(NOTICE in t for t in replies_to("U1", slack))
    logged = eventually(lambda: failures_logged(caplog))
    assert "command listener incident_command failed" in logged[0].getMessage()
    assert "response_url" not in caplog.text and "trigger_id" not in caplog.text  # no body


def test_a_modal_submission_failing_shows_the_error_notice_on_its_field(
    slack, reporter, db, caplog
):
    reporter.command("")
    view = slack.wait_for("views.open")[0].response["view"]
    break_the_database(db)
    response = reporter.submit(view, {Field.TITLE: PRIVATE, Field.TIER: "2"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert NOTICE in answer["errors"][Field.TITLE]
    assert "view_submission listener submit_declaration failed" in (
        failures_logged(caplog)[0].getMessage()
    )
    assert "trigger_id" not in caplog.text  # no request body


def test_user_text_stays_out_of_the_failure_log(slack, reporter, db, caplog):
    break_the_database(db)
    reporter.command(PRIVATE)
    assert any(NOTICE in t for t in replies_to("U1", slack))
    eventually(lambda: failures_logged(caplog))
    assert PRIVATE not in caplog.text


def test_a_click_failing_after_its_ack_answers_with_the_error_notice(slack, reporter, db):
    post = declare(reporter, slack, "emails not sending")
    eventually(lambda: settled(db))  # no delivery holds the table while it goes
    break_the_database(db)
    assert reporter.click(post, Action.ACKNOWLEDGE).status_code == 200
    assert any(NOTICE in t for t in replies_to("U1", slack, count=2))


def test_a_click_with_no_response_url_is_answered_in_a_dm(slack, reporter, http):
    # Clicks inside a modal or the App Home come without a response_url.
    button = {"type": "button", "action_id": Action.ACKNOWLEDGE, "value": "INC-99"}
    view = {
        "id": "V0TEST",
        "type": "modal",
        "callback_id": "somewhere",
        "blocks": [
            {
                "type": "actions",
                "block_id": "b",
                "elements": [{**button, "text": {"type": "plain_text", "text": "Ack"}}],
            }
        ],
    }
    body = block_actions_body(
        user_id="U1", action={"action_id": Action.ACKNOWLEDGE, "type": "button"}, view=view
    )
    assert b"response_url" not in body
    assert reporter.send(body).status_code == 200
    dm = eventually(lambda: slack.messages("DU1"))
    assert "There is no incident *INC-99*" in dm[-1]["text"]


def test_an_event_failing_is_logged_and_still_200(slack, reporter, db, caplog):
    break_the_database(db)
    assert reporter.open_home().status_code == 200
    logged = eventually(lambda: failures_logged(caplog))
    assert "event_callback listener publish_home failed" in logged[0].getMessage()
    assert not slack.calls_to("views.publish")
