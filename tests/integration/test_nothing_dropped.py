"""Issue 10 item 10: nothing a reporter sent is dropped, nothing a responder wrote is lost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.slack import Action, Field
from tests.integration.flows import (
    declare,
    eventually,
    post_text,
    posts,
    replies_to,
    thread_texts,
    updated,
)


def titles(db: sa.Engine) -> list[str]:
    with db.connect() as conn:
        return list(conn.scalars(sa.text("SELECT title FROM incidents ORDER BY id")))


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("show page crashes on safari", "/incident show INC-42"),
        ("update banner shows the wrong price", "/incident update INC-42 what changed"),
        ("tier pricing page is blank", "/incident tier INC-42 2"),
        ("resolve button does nothing on mobile", "/incident resolve INC-42"),
        ("ack emails are not being sent", "/incident ack INC-42"),
    ],
)
def test_a_title_starting_with_a_command_word_is_declared_and_says_how(
    slack, reporter, db, text, how
):
    response = reporter.command(text)
    assert response.status_code == 200
    # Not answered with help in the ack: the declaration goes on and replies later.
    assert "is not an incident id" not in response.text
    eventually(lambda: posts(slack))
    assert titles(db) == [text]
    reply = slack.wait_for("response_url")[0].args
    assert "Declared *INC-1*" in reply["text"]
    assert f"`{how}`" in post_text(reply)


def test_a_valid_reference_to_no_incident_is_still_not_found(slack, reporter, db):
    reporter.command("show INC-999")
    assert any("There is no incident *INC-999*" in t for t in replies_to("U1", slack))
    assert titles(db) == []


def test_a_command_word_alone_shows_its_usage(reporter, db):
    answer = reporter.command("show").json()
    assert "needs an incident id" in str(answer["blocks"])
    assert titles(db) == []


def initial_values(view: dict) -> dict[str, str | None]:
    return {
        block["block_id"]: block["element"].get("initial_value")
        for block in view["blocks"]
        if block.get("type") == "input"
    }


def answers_after(slack, user: str, before: int) -> str:
    calls = slack.wait_for(
        "response_url", count=before + 1, where=lambda c: c.args.get("hook_user") == user
    )
    return post_text(calls[before].args)


def test_reopen_then_resolve_again_keeps_the_first_write_up(slack, reporter, responder, db):
    post = declare(reporter, slack, "orders stuck in pending")
    responder.click(post, Action.RESOLVE)
    first = slack.wait_for("views.open")[0].response["view"]
    responder.submit(
        first,
        {
            Field.SUMMARY: "queue worker restarted",
            Field.ROOT_CAUSE: "worker ran out of memory",
            Field.LESSONS: "alert on queue depth",
        },
    )
    resolved = updated(slack, post, "queue worker restarted")
    responder.click(resolved, Action.REOPEN)
    reopened = updated(slack, post, Action.RESOLVE)

    responder.click(reopened, Action.RESOLVE)
    second = slack.wait_for("views.open", count=2)[1].response["view"]
    assert initial_values(second) == {
        Field.SUMMARY: "queue worker restarted",
        Field.ROOT_CAUSE: "worker ran out of memory",
        Field.LESSONS: "alert on queue depth",
    }
    # The responder clears the old root cause and lessons and writes a new summary.
    responder.submit(second, {Field.SUMMARY: "retry storm throttled"})
    updated(slack, post, "retry storm throttled")

    # Each resolution is on the timeline with its whole write-up, in the thread and in show.
    eventually(lambda: sum("worker ran out of memory" in t for t in thread_texts(slack, post)))
    responder.command("show INC-1")
    shown = answers_after(slack, "U0SUP1", 0)
    assert "retry storm throttled" in shown
    assert "worker ran out of memory" in shown and "alert on queue depth" in shown

    # The first lessons stay searchable.
    responder.command("search depth", command="/runbook")
    found = answers_after(slack, "U0SUP1", 1)
    assert "INC-1" in found and "alert on queue depth" in found


def test_the_resolve_command_prefills_the_last_write_up_under_its_new_summary(
    slack, reporter, responder
):
    post = declare(reporter, slack, "orders stuck in pending")
    responder.command("resolve INC-1")
    first = slack.wait_for("views.open")[0].response["view"]
    responder.submit(
        first, {Field.SUMMARY: "restarted", Field.ROOT_CAUSE: "OOM", Field.LESSONS: "alert"}
    )
    updated(slack, post, "restarted")
    responder.command("reopen INC-1")
    updated(slack, post, Action.RESOLVE)
    responder.command("resolve INC-1 throttled retries")
    second = slack.wait_for("views.open", count=2)[1].response["view"]
    assert initial_values(second) == {
        Field.SUMMARY: "throttled retries",
        Field.ROOT_CAUSE: "OOM",
        Field.LESSONS: "alert",
    }
