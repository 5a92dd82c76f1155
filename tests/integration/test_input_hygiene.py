"""Issue 10 item 8: what people type is stored and sent on without control or bidi characters;
the form's category is one of ours; whatever is echoed back is escaped."""

from __future__ import annotations

import sqlalchemy as sa

from bot.slack import Action, Field
from playground.slack_requests import state_values_for, view_submission_body
from tests.integration.flows import declare, eventually, post_text, posts, replies_to, updated

NUL, RLO, ESC, BELL, C1 = "\x00", "\u202e", "\x1b", "\x07", "\x9b"
# Every bidi override and isolate: each can make text read differently from what it says.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
UNWANTED = [NUL, ESC, BELL, C1, "\x7f", *BIDI]


def dirty(text: str) -> str:
    return f"{NUL}{text[:4]}{RLO}{text[4:]}{ESC}[31m{BELL}{C1}\x7f{BIDI}"


def incident_row(db: sa.Engine) -> sa.Row:
    with db.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT title, description, summary, root_cause, lessons, category"
                " FROM incidents ORDER BY id DESC"
            )
        ).one()


def event_texts(db: sa.Engine) -> list[str]:
    with db.connect() as conn:
        return list(conn.scalars(sa.text("SELECT text FROM incident_events ORDER BY id")))


def assert_clean(*texts: str | None) -> None:
    for text in texts:
        assert text is not None
        assert not any(c in text for c in UNWANTED), repr(text)


def test_control_and_bidi_characters_never_reach_the_database_or_slack(
    slack, reporter, responder, db
):
    post = declare(reporter, slack, dirty("checkout broken") + "\nsecond\tline")
    row = incident_row(db)
    assert_clean(row.title, row.description)
    assert row.title.startswith("checkout broken")
    # Newlines and tabs stay where text may span lines.
    assert "second\tline" in row.description
    assert_clean(post_text(post))

    assert responder.command("update INC-1 " + dirty("rolled back")).status_code == 200
    eventually(lambda: any("rolled back" in t for t in event_texts(db)))

    responder.click(post, Action.RESOLVE)
    view = slack.wait_for("views.open")[0].response["view"]
    answer = responder.submit(
        view,
        {
            Field.SUMMARY: dirty("cache flushed"),
            Field.ROOT_CAUSE: dirty("stale keys") + "\nafter deploy",
            Field.LESSONS: dirty("expire keys"),
        },
    )
    assert answer.status_code == 200 and answer.text in ("", "null"), answer.text
    after = updated(slack, post, "cache flushed")
    row = incident_row(db)
    assert_clean(row.summary, row.root_cause, row.lessons, *event_texts(db), post_text(after))
    assert row.root_cause.endswith("\nafter deploy")


def test_the_form_strips_them_too_and_keeps_the_title_on_one_line(slack, reporter, db):
    reporter.command("")
    view = slack.wait_for("views.open")[0].response["view"]
    answer = reporter.submit(
        view,
        {
            Field.TITLE: dirty("search is empty") + "\nforged\rline",
            Field.DESCRIPTION: dirty("since the deploy") + "\r\nfor everyone",
            Field.TIER: "2",
            Field.CATEGORY: "bug",
        },
    )
    assert answer.status_code == 200 and answer.text in ("", "null"), answer.text
    eventually(lambda: posts(slack))
    row = incident_row(db)
    assert_clean(row.title, row.description)
    assert "\n" not in row.title and "\r" not in row.title
    assert row.title.startswith("search is empty")
    assert row.description.startswith("since the deploy")
    assert row.description.endswith("[31m\nfor everyone")


def test_a_made_up_category_is_refused_on_the_form(slack, reporter, db):
    reporter.command("")
    view = slack.wait_for("views.open")[0].response["view"]
    values = state_values_for(
        view["blocks"], {Field.TITLE: "orders stuck", Field.TIER: "2", Field.CATEGORY: "bug"}
    )
    made_up = "x" * 3000
    values[Field.CATEGORY][Field.CATEGORY]["selected_option"] = {
        "text": {"type": "plain_text", "text": "x"},
        "value": made_up,
    }
    answer = reporter.send(view_submission_body(user_id=reporter.id, view=view, values=values))
    assert answer.status_code == 200
    body = answer.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [Field.CATEGORY]
    assert made_up not in body["errors"][Field.CATEGORY]
    with db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM incidents")) == 0


def test_runbook_search_escapes_the_query_it_echoes(slack, reporter):
    query = "<b>*x*</b> <!channel>"
    assert reporter.command(f"search {query}", command="/runbook").status_code == 200
    reply = slack.wait_for("response_url")[0].args
    assert "<!channel>" not in reply["text"] and "<b>" not in reply["text"]
    assert "&lt;!channel&gt;" in reply["text"]
    for block in reply["blocks"]:
        text = block.get("text") or {}
        if text.get("type") == "mrkdwn":
            assert "<!channel>" not in text["text"] and "<b>" not in text["text"]
    assert replies_to("U1", slack)


def test_a_form_error_reads_as_plain_text_without_mrkdwn_marks(slack, reporter, db):
    reporter.command("")
    view = slack.wait_for("views.open")[0].response["view"]
    answer = reporter.submit(view, {Field.TITLE: "   ", Field.TIER: "2"})
    body = answer.json()
    assert body["response_action"] == "errors"
    error = body["errors"][Field.TITLE]
    assert "/incident checkout is down" in error
    assert "`" not in error and "*" not in error
