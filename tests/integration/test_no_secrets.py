"""Tokens and the signing secret never reach logs or messages (SPEC §10)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from bot.slack import Action
from tests.integration.conftest import SECRET, TOKEN
from tests.integration.flows import declare, eventually, post_text, posts
from tests.support.slack_user import SlackUser


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


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_supportbot_serve_logs_no_live_check_url(slack, slack_server, tmp_path):
    health = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=health.serve_forever, daemon=True).start()
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "status.yml").write_text(
        "title: Status\nsteps:\n  - text: Check the status page\n"
        f"    check: {{kind: http, url: 'http://127.0.0.1:{health.server_address[1]}"
        "/health?token=tok-in-url-5e2d'}\n"
    )
    (tmp_path / "supportbot.yml").write_text(f"runbooks_dir: {tmp_path / 'runbooks'}\n")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SUPPORTBOT_"))}
    env |= {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_server.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
                eventually(lambda: _answers(http), timeout=30)
                SlackUser(http, slack_server, SECRET, "U0SUP1").command(
                    "status", command="/runbook", channel="C0OPS"
                )
                # Started on a real clock, the bot may post a due on-call handoff here too.
                posted = eventually(lambda: _runbook_post(slack), timeout=15)
        finally:
            server.terminate()
            server.wait(timeout=15)
            health.shutdown()
            health.server_close()
    assert "200 in" in post_text(posted)  # the check did run, over HTTP
    logged = log_path.read_text()
    assert "INFO" in logged, logged  # the process does log at INFO
    assert "tok-in-url-5e2d" not in logged and "/health?" not in logged, logged


def _runbook_post(slack):
    return next((p for p in posts(slack, "C0OPS") if "Check the status page" in post_text(p)), None)


def _answers(http: httpx.Client) -> bool:
    try:
        return http.get("/healthz").status_code == 200
    except httpx.TransportError:
        return False
