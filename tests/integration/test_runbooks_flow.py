"""Runbooks through the real HTTP path: list, post with live checks, tick, incident, search."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx

from bot.config import Plan
from bot.slack import Action, Field
from tests.integration.conftest import SECRET
from tests.integration.flows import (
    INCIDENTS,
    declare,
    eventually,
    post_text,
    posts,
    replies_to,
    updated,
)
from tests.support.bot_server import BotServer
from tests.support.slack_user import SlackUser


def test_listing_and_posting_a_runbook_with_its_live_checks(slack, person):
    sam = person("U0SUP1")
    sam.command("", command="/runbook")
    listing = replies_to("U0SUP1", slack)[0]
    assert "5 runbooks" in listing
    sam.command("site slow", command="/runbook", channel="C0OPS")
    posted = eventually(lambda: posts(slack, "C0OPS"), timeout=10)[0]
    text = post_text(posted)
    assert "Site Slow or Down" in text and "Check server resources" in text
    assert "CPU" in text and "%" in text  # the host check's real figures
    assert "SELECT 1" in text  # the database check pinged the bot's own database
    sam.click(
        {**posted, "blocks": [b for b in posted["blocks"] if b.get("block_id") == "item-1"]},
        Action.CHECKLIST_TICK,
    )
    updated(slack, posted, "1/6 steps done")


def test_the_runbook_button_posts_in_the_incident_thread_and_timeline(slack, reporter, db):
    post = declare(reporter, slack, "emails not sending")
    assert "Suggested runbook: *Email Not Sending*" in post_text(post)
    reporter.click(post, Action.RUNBOOK)
    # The runbook and the timeline's "posted the runbook" go out on different keys, so either
    # may reach the thread first.
    thread = eventually(
        lambda: [
            m
            for m in slack.thread(INCIDENTS, post["ts"])
            if "Email Not Sending" in m["text"] and "posted the runbook" not in m["text"]
        ]
    )
    assert "For *INC-1*" in post_text(thread[0])
    eventually(
        lambda: any("posted the runbook" in m["text"] for m in slack.thread(INCIDENTS, post["ts"]))
    )


def test_the_runbook_goes_in_the_thread_when_clicked_before_the_post_is_recorded(slack, reporter):
    # Slack has the post (people see it and click) but its answer, with the ts the thread
    # needs, has not reached the bot yet.
    slack.hold_next(
        "chat.postMessage", seconds=3, where=lambda args: args.get("channel") == INCIDENTS
    )
    post = declare(reporter, slack, "emails not sending")
    reporter.click(post, Action.RUNBOOK)
    eventually(
        lambda: any(
            "Email Not Sending" in m["text"] and "posted the runbook" not in m["text"]
            for m in slack.thread(INCIDENTS, post["ts"])
        )
    )
    assert [p["ts"] for p in posts(slack)] == [post["ts"]]  # nothing went to the channel


def test_runbook_by_name_for_an_incident_and_unknown_names(slack, reporter):
    declare(reporter, slack, "emails not sending")
    reporter.command("cache-issues INC-1", command="/runbook")
    eventually(
        lambda: any(
            "Cache Issues" in m["text"] for m in slack.thread(INCIDENTS, posts(slack)[0]["ts"])
        )
    )
    reporter.command("quantum flux", command="/runbook")
    assert any("No runbook matches" in t for t in replies_to("U1", slack, count=2))


def test_search_finds_lessons_learned(slack, reporter, responder):
    post = declare(reporter, slack, "emails not sending")
    responder.click(post, Action.RESOLVE)
    view = slack.wait_for("views.open")[0].response["view"]
    responder.submit(
        view,
        {
            Field.SUMMARY: "relay restarted",
            Field.LESSONS: "Watch the SMTP relay certificate expiry",
        },
    )
    updated(slack, post, "Resolved by")
    reporter.command("search smtp certificate", command="/runbook")
    found = [
        c.args
        for c in slack.wait_for("response_url", where=lambda c: "Search" in c.args.get("text", ""))
    ]
    assert "Watch the SMTP relay certificate expiry" in str(found[0]["blocks"])
    assert "Email Not Sending" in str(found[0]["blocks"])


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"fine")

    def log_message(self, *args: object) -> None:
        pass


def test_a_failing_check_run_again_after_the_fix_shows_ok(slack, slack_server, settings, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "shop-health.yml").write_text(
        "title: Shop Health\ncategories: [shop]\nsteps:\n  - text: Check the shop answers\n"
        f"    check: {{kind: http, url: 'http://127.0.0.1:{port}/'}}\n"
    )
    plan = Plan.model_validate({"runbooks_dir": str(tmp_path)})
    with (
        BotServer(settings, plan, schedule=False) as bot,
        httpx.Client(base_url=bot.url, timeout=10) as http,
    ):
        sam = SlackUser(http, slack_server, SECRET, "U0SUP1")
        sam.command("shop-health", command="/runbook", channel="C0OPS")
        posted = eventually(lambda: posts(slack, "C0OPS"), timeout=10)[0]
        assert "unreachable" in post_text(posted)
        server = HTTPServer(("127.0.0.1", port), _Ok)  # the fix: the shop is back
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            again = [b for b in posted["blocks"] if b.get("block_id") == "check-0"]
            sam.click({**posted, "blocks": again}, Action.RECHECK)
            after = updated(slack, posted, "200 in")
            assert "🟢" in post_text(after)
        finally:
            server.shutdown()


def test_a_jobs_check_in_a_runbook_shows_the_scheduled_jobs_state(
    slack, slack_server, settings, tmp_path
):
    (tmp_path / "jobs-health.yml").write_text(
        "title: Jobs Health\ncategories: [jobs]\nsteps:\n  - text: Check the scheduled jobs\n"
        "    check: {kind: jobs}\n"
    )
    plan = Plan.model_validate({"runbooks_dir": str(tmp_path)})
    with (
        BotServer(settings, plan, schedule=False) as bot,
        httpx.Client(base_url=bot.url, timeout=10) as http,
    ):
        bot.services.jobs.ran("watch_slas", bot.services.clock.now(), ok=False, next_run=None)
        SlackUser(http, slack_server, SECRET, "U0SUP1").command(
            "jobs-health", command="/runbook", channel="C0OPS"
        )
        text = post_text(eventually(lambda: posts(slack, "C0OPS"), timeout=10)[0])
    assert "not available" not in text
    assert "1 job" in text and "1 failure (watch_slas)" in text
