"""Slack hears back the moment a listener acks: the work after the ack never holds the answer
(handlers/replies.py returns at the ack; bot/slack/acks_first.py lets other acks go first)."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

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


def test_a_request_still_arriving_holds_no_work_back(bot, slack, reporter):
    # A body that never finishes arriving is not Slack's (nor is a forged one): the work after
    # acks does not wait for it. Waiting would cost up to 0.5 s a piece, several before a post.
    address = urlsplit(bot.url)
    with socket.create_connection((address.hostname, address.port)) as trickle:
        trickle.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
            b"token=abc"
        )
        time.sleep(0.2)
        started = time.monotonic()
        declare(reporter, slack, "typo in the footer")  # back once the post is in the channel
        took = time.monotonic() - started
    assert took < 1.0, f"posted after {took:.2f} s"


def test_help_is_still_the_answer_itself(reporter):
    response = reporter.command("help")
    assert response.status_code == 200 and "/incident" in response.text
