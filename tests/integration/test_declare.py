"""Declaring incidents over real signed HTTP, observed through the fake Slack."""

from __future__ import annotations

import sqlalchemy as sa

from bot.incidents import TITLE_LIMIT
from bot.slack import Action, Field
from tests.integration.flows import (
    INCIDENTS,
    declare,
    eventually,
    post_text,
    posts,
    replies_to,
    settled,
    updated,
)


def count_incidents(db: sa.Engine) -> int:
    with db.connect() as conn:
        return int(conn.scalar(sa.text("SELECT count(*) FROM incidents")))


def test_free_text_declares_with_a_suggested_tier(slack, reporter, db):
    post = declare(reporter, slack, "checkout is broken for everyone")
    text = post_text(post)
    assert "INC-1" in text and "Critical" in text
    assert "suggested from “checkout”" in text and "% sure" in text
    for label in (
        "Acknowledge by",
        "Resolve by",
        "Escalation",
        "Reporter",
        "<@U1>",
        "Level 2 — Development Team",  # Tier 1 pages levels 1 and 2 at once
        "EST",
    ):
        assert label in text
    action_ids = [
        e["action_id"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert action_ids == [
        Action.ACKNOWLEDGE,
        Action.ESCALATE,
        Action.RESOLVE,
        Action.CHANGE_TIER,
        Action.RUNBOOK,
    ]
    assert any("Declared *INC-1*" in t for t in replies_to("U1", slack))
    with db.connect() as conn:
        row = conn.execute(sa.text("SELECT tier, category, post_ts FROM incidents")).one()
    assert (row.tier, row.category) == (1, "checkout")
    eventually(lambda: conn_post_ts(db))


def conn_post_ts(db: sa.Engine) -> str | None:
    with db.connect() as conn:
        return conn.scalar(sa.text("SELECT post_ts FROM incidents"))


def test_text_matching_nothing_is_tier_three_and_says_so(slack, reporter):
    post = declare(reporter, slack, "the frobnicator did a thing")
    assert "Tier 3" in post_text(post) or "3 — Medium" in post_text(post)
    assert "Nothing in the text matched a known kind of problem" in post_text(post)
    assert any("Nothing in the text matched" in str(c.args) for c in slack.wait_for("response_url"))


def test_tier_one_gets_a_dedicated_channel_with_people_invited(slack, reporter):
    post = declare(reporter, slack, "site down for everyone")
    created = slack.wait_for("conversations.create")[0]
    assert created.args["name"] == "inc-1-site-down-for-everyone"
    channel = created.response["channel"]["id"]
    # The reporter and the paged, in one call (issue 15: one Slack call, not one per person).
    (invite,) = slack.wait_for("conversations.invite")
    assert set(invite.args["users"].split(",")) == {"U1", "U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2"}
    members = slack.channel_by_name("inc-1-site-down-for-everyone")["members"]
    assert {"U1", "U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2"} <= set(members)
    assert "INC-1" in eventually(lambda: posts(slack, channel))[0]["text"]
    updated(slack, post, f"<#{channel}>")


def test_the_channel_is_made_while_the_post_is_on_its_way(slack, reporter):
    # The channel needs nothing the post's answer brings (its ts): it does not queue behind it.
    slack.hold_next(
        "chat.postMessage", seconds=3, where=lambda args: args.get("channel") == INCIDENTS
    )
    post = declare(reporter, slack, "site down for everyone")
    created = eventually(lambda: slack.calls_to("conversations.create"), timeout=2)
    assert not any(c.method == "chat.update" for c in slack.calls)  # the post's answer is held
    # Once the post's ts is known, the post shows the channel.
    updated(slack, post, f"<#{created[0].response['channel']['id']}>")


def test_lower_tiers_get_no_channel(slack, reporter):
    declare(reporter, slack, "emails not sending")
    slack.wait_for("response_url")
    assert not slack.calls_to("conversations.create")


def test_the_form_declares_with_the_chosen_tier(slack, reporter, db):
    assert reporter.command("").status_code == 200
    opened = slack.wait_for("views.open")[0]
    view = opened.response["view"]
    response = reporter.submit(
        view,
        {
            Field.TITLE: "search results are empty",
            Field.DESCRIPTION: "since the 10:00 deploy",
            Field.TIER: "2",
            Field.CATEGORY: "bug",
        },
    )
    assert response.status_code == 200 and response.text in ("", "null")
    post = eventually(lambda: posts(slack) and posts(slack)[0])
    assert "search results are empty" in post_text(post) and "2 — High" in post_text(post)
    assert "since the 10:00 deploy" in post_text(post)
    # The same submission delivered again declares nothing new.
    reporter.submit(
        view, {Field.TITLE: "search results are empty", Field.TIER: "2", Field.CATEGORY: "bug"}
    )
    assert count_incidents(db) == 1


def test_the_form_can_leave_tier_and_category_to_the_suggestion(slack, reporter):
    reporter.command("")
    view = slack.wait_for("views.open")[0].response["view"]
    reporter.submit(
        view,
        {Field.TITLE: "payment gateway failing", Field.TIER: "suggest", Field.CATEGORY: "suggest"},
    )
    post = eventually(lambda: posts(slack) and posts(slack)[0])
    assert "1 — Critical" in post_text(post) and "payments" in post_text(post)


def test_mentions_in_user_text_ping_nobody(slack, reporter):
    title = "<!channel> <!here> <@U0MGR1> checkout & <b>cart</b> > broken"
    post = declare(reporter, slack, title)
    for message in [post, *[c.args for c in slack.calls_to("response_url")]]:
        mrkdwn = [
            b["text"]["text"]
            for b in message.get("blocks") or []
            if b.get("type") == "section" and "text" in b
        ]
        mrkdwn += [f["text"] for b in message.get("blocks") or [] for f in b.get("fields", [])]
        mrkdwn.append(message.get("text", ""))
        for text in mrkdwn:
            assert "<!channel>" not in text and "<!here>" not in text
            assert "<@U0MGR1>" not in text
    header = post["blocks"][0]["text"]
    assert header["type"] == "plain_text" and "<!channel>" in header["text"]
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U0MGR1&gt; checkout &amp;" in post["text"]


def stored(db: sa.Engine) -> sa.Row:
    with db.connect() as conn:
        return conn.execute(sa.text("SELECT title, description FROM incidents")).one()


def test_a_hundred_kilobytes_of_text_is_cut_for_slack_and_kept_whole(slack, reporter, db):
    text = "payment failing " + "x" * 100_000
    post = declare(reporter, slack, text)
    assert len(post["blocks"][0]["text"]["text"]) <= 150
    row = stored(db)
    assert len(row.title) <= TITLE_LIMIT and row.title.endswith("x…")
    assert row.title[:-1] + row.description[1:] == text  # cut mid-word, continued in the details


def test_a_five_thousand_character_report_gets_a_title_and_keeps_every_word(slack, reporter, db):
    first = (
        "Checkout returns a 502 for every card payment, web and app alike, since the 10:02 deploy."
    )
    text = f"{first} " + " ".join(f"Customer {n} could not pay and called us." for n in range(125))
    assert len(text) > 5_000
    post = declare(reporter, slack, text)
    row = stored(db)
    # The same cap as the form's title field, cut after a whole sentence: a title, not a wall.
    assert len(row.title) <= TITLE_LIMIT and row.title.startswith(first)
    assert row.title.endswith("called us.")
    assert post["blocks"][0]["text"]["text"] == f"🔴 INC-1 · {row.title}"
    assert f"{row.title} {row.description}" == text  # nothing typed is lost
    assert "Customer 124 could not pay" in row.description
    # The post shows the start of the details and says where the rest is.
    shown = post_text(post)
    assert "Customer 0 could not pay" in shown and "Customer 124" not in shown
    assert "The rest: `/incident show INC-1`" in shown
    # ...and /incident show shows all of it.
    reporter.command("show INC-1")
    replies_to("U1", slack, count=2)
    answers = [c.args for c in slack.calls_to("response_url")]
    detail = next(a for a in answers if a.get("text", "").startswith("INC-1 ·"))
    assert "Customer 124 could not pay" in str(detail["blocks"])


def test_a_retried_request_declares_once(slack, reporter, db):
    body = reporter.command_body("orders stuck in pending")
    assert reporter.send(body).status_code == 200
    # The retry is only acknowledged: the request it repeats is already being answered.
    retried = reporter.send(body, retry_num=1)
    assert retried.status_code == 200 and retried.content == b""
    assert any("Declared" in t for t in replies_to("U1", slack))
    assert count_incidents(db) == 1
    eventually(lambda: len(posts(slack)) == 1)
    eventually(lambda: settled(db))
    # One post; its thread replies (the timeline) may follow it at once.
    sent = slack.delivered("chat.postMessage")
    top = [c for c in sent if c.args["channel"] == INCIDENTS and "thread_ts" not in c.args]
    assert len(top) == 1
    assert len(slack.calls_to("response_url")) == 1
    assert slack.messages(INCIDENTS)
