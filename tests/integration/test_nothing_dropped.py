"""Issue 10 item 10: nothing a reporter sent is dropped, nothing a responder wrote is lost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.integration.flows import eventually, post_text, posts, replies_to


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
