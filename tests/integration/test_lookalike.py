"""A report that reads like an open incident asks "add to it instead?" before declaring again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bot.slack import Action, Field
from playground.blockkit import validate_view
from tests.integration.flows import (
    INCIDENTS,
    declare,
    eventually,
    post_text,
    posts,
    settled,
    thread_texts,
)

FIRST = "checkout is broken for everyone"


def titles(db: sa.Engine) -> list[str]:
    with db.connect() as conn:
        return list(conn.scalars(sa.text("SELECT title FROM incidents ORDER BY id")))


def hints(slack, user: str) -> list[dict[str, Any]]:
    """The look-alike questions a person was shown (only to them)."""
    return [
        m
        for m in slack.messages(INCIDENTS)
        if m.get("ephemeral_for") == user and Action.ADD_TO_INCIDENT in str(m.get("blocks"))
    ]


def asked(slack, who, text: str) -> dict[str, Any]:
    assert who.command(text).status_code == 200
    return eventually(lambda: hints(slack, who.id) and hints(slack, who.id)[-1])


def test_the_same_problem_again_asks_and_adding_puts_it_on_the_first(slack, reporter, person, db):
    post = declare(reporter, slack, FIRST)
    other = person("U2")
    hint = asked(slack, other, "Checkout broken for everyone!! cards declined at the last step")
    assert "Looks like INC-1 — add to it instead?" in post_text(hint)
    assert "checkout is broken for everyone" in post_text(hint) and "<@U1>" in post_text(hint)
    assert titles(db) == [FIRST]  # nothing declared yet
    assert other.click(hint, Action.ADD_TO_INCIDENT).status_code == 200
    added = "cards declined at the last step"
    eventually(lambda: any(added in t for t in thread_texts(slack, post)))
    answer = eventually(lambda: not hints(slack, "U2") and slack.messages(INCIDENTS)[-1])
    assert "*INC-1* updated" in answer["text"]  # the question is replaced by its answer
    eventually(lambda: settled(db))
    assert titles(db) == [FIRST] and len(posts(slack)) == 1


def test_declare_anyway_is_one_click_and_declares_once(slack, reporter, person, db):
    declare(reporter, slack, FIRST)
    other = person("U2")
    hint = asked(slack, other, "checkout broken for everyone")
    body = other.click_body(hint, Action.DECLARE_ANYWAY)
    assert other.send(body).status_code == 200
    eventually(lambda: len(posts(slack)) == 2)
    assert titles(db) == [FIRST, "checkout broken for everyone"]
    # A second click on the same question (the reply had not replaced it yet) declares no more.
    assert other.send(other.click_body(hint, Action.DECLARE_ANYWAY)).status_code == 200
    eventually(lambda: settled(db))
    assert len(titles(db)) == 2

    def answers() -> list[str]:
        return [c.args.get("text", "") for c in slack.calls_to("response_url")]

    # Its answer goes on its response_url once its insert has failed: nothing of it is in the
    # outbox, so settled() does not wait for it (the click's ack came back long before).
    duplicate = "That request was already handled: *INC-2*"
    eventually(lambda: any(a.startswith(duplicate) for a in answers()))
    assert any(a.startswith("Declared *INC-2*") for a in answers())
    assert len(titles(db)) == 2


def test_a_different_problem_or_an_old_one_is_declared_without_asking(
    slack, reporter, person, bot_clock, db
):
    declare(reporter, slack, FIRST)
    declare(person("U2"), slack, "search results are empty")
    declare(person("U2"), slack, "checkout is slow")  # shares one word of two: another problem
    bot_clock.advance(timedelta(minutes=31))
    declare(person("U2"), slack, FIRST)  # INC-1 is half an hour old: no longer a likely repeat
    assert len(titles(db)) == 4 and not hints(slack, "U2")


def test_a_repeat_too_long_for_the_buttons_that_ask_is_declared_without_asking(
    slack, reporter, person, db
):
    declare(reporter, slack, FIRST)
    # The report rides on the buttons that answer, and Slack keeps 2,000 characters of one.
    declare(person("U2"), slack, FIRST + "\n" + "cards declined at the last step. " * 70)
    assert titles(db) == [FIRST, FIRST] and not hints(slack, "U2")


def open_form(slack, who) -> dict[str, Any]:
    opened = len(slack.calls_to("views.open"))
    who.command("")
    return slack.wait_for("views.open", count=opened + 1)[opened].response["view"]


def test_the_form_asks_in_place_and_declare_anyway_is_its_submit(slack, reporter, person, db):
    declare(reporter, slack, FIRST)
    other = person("U2")
    form = open_form(slack, other)
    answers = {Field.TITLE: "Checkout broken for everyone", Field.DESCRIPTION: "since 10:02"}
    response = other.submit(form, answers)
    assert response.json()["response_action"] == "update"
    again = {**response.json()["view"], "id": form["id"]}
    assert validate_view(again) == []
    assert "Looks like INC-1 — add to it instead?" in post_text(again)
    assert again["submit"]["text"] == "Declare anyway"
    # What was typed is still there.
    typed = {b["block_id"]: b["element"].get("initial_value") for b in again["blocks"][3:5]}
    assert typed == {Field.TITLE: answers[Field.TITLE], Field.DESCRIPTION: "since 10:02"}
    assert titles(db) == [FIRST]
    assert other.submit(again, answers).status_code == 200
    eventually(lambda: len(posts(slack)) == 2)
    assert titles(db) == [FIRST, "Checkout broken for everyone"]


def test_adding_from_the_form_puts_the_report_on_the_first(slack, reporter, person, db):
    post = declare(reporter, slack, FIRST)
    other = person("U2")
    form = open_form(slack, other)
    answers = {Field.TITLE: "checkout broken for everyone", Field.DESCRIPTION: "on iOS too"}
    again = {**other.submit(form, answers).json()["view"], "id": form["id"]}
    assert other.click_in_view(again, Action.ADD_TO_INCIDENT, answers=answers).status_code == 200
    shown = slack.wait_for("views.update")[0].args["view"]
    assert shown["title"]["text"] == "Added to INC-1" and validate_view(shown) == []
    eventually(lambda: any("on iOS too" in t for t in thread_texts(slack, post)))
    eventually(lambda: settled(db))
    assert titles(db) == [FIRST]
