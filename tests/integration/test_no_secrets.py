"""Tokens and the signing secret never reach logs or messages (SPEC §10)."""

from __future__ import annotations

import logging

from bot.slack import Action
from tests.integration.conftest import SECRET, TOKEN
from tests.integration.flows import declare, eventually


def test_a_full_flow_logs_no_secrets_even_at_debug(slack, reporter, responder, caplog):
    caplog.set_level(logging.DEBUG)
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    post = declare(reporter, slack, "checkout is broken for everyone")
    responder.click(post, Action.ACKNOWLEDGE)
    reporter.send(reporter.command_body("emails not sending")[:-3])  # tampered → 401
    eventually(lambda: slack.calls_to("chat.update"))
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert logged, "expected debug logging to capture something"
    assert TOKEN not in logged and SECRET not in logged
    sent = "\n".join(str(c.args) for c in slack.calls)
    assert SECRET not in sent
