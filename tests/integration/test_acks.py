"""Slack hears back the moment a listener acks: the work after the ack never holds the answer
(handlers/replies.py returns at the ack; bot/slack/acks_first.py lets other acks go first)."""

from __future__ import annotations

import time

from bot.slack import Action
from tests.integration.flows import declare, eventually


def answered_within(seconds: float, send) -> None:
    started = time.monotonic()
    response = send()
    took = time.monotonic() - started
    assert response.status_code == 200
    assert took < seconds, f"answered after {took:.2f} s"


def test_a_command_is_answered_before_its_reply_is_sent(slack, reporter):
    # The declaration's reply goes to the response_url after the ack: held there for 3 s, it
    # must not hold the ack.
    slack.hold_next("response_url", seconds=3)
    answered_within(1.5, lambda: reporter.command("emails not sending"))
    assert eventually(lambda: slack.calls_to("response_url"), timeout=5)


def test_a_click_is_answered_before_the_form_it_opens(slack, reporter, responder):
    post = declare(reporter, slack, "emails not sending")
    slack.hold_next("views.open", seconds=3)
    answered_within(1.5, lambda: responder.click(post, Action.RESOLVE))
    assert eventually(lambda: slack.calls_to("views.open"), timeout=5)


def test_an_event_is_answered_before_its_work_is_done(slack, reporter):
    slack.hold_next("views.publish", seconds=3)
    answered_within(1.5, reporter.open_home)
    assert eventually(lambda: slack.calls_to("views.publish"), timeout=5)


def test_help_is_still_the_answer_itself(reporter):
    response = reporter.command("help")
    assert response.status_code == 200 and "/incident" in response.text
