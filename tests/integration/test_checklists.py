"""Checklists through the real HTTP path: post on demand, tick and untick, progress."""

from __future__ import annotations

import sqlalchemy as sa

from bot.slack import Action
from tests.integration.flows import eventually, post_text, posts, replies_to, updated


def item_button(message: dict, index: int) -> dict:
    block = next(b for b in message["blocks"] if b.get("block_id") == f"item-{index}")
    return {**message, "blocks": [block]}


def test_admin_posts_a_checklist_and_people_tick_it(slack, person, db):
    admin, sam, dana = person("U0MGR1"), person("U0SUP1"), person("U0DEV1")
    admin.command("post morning", command="/checklist")
    posted = eventually(lambda: posts(slack, "C0OPS"))[0]
    assert "Morning checklist (9 AM)" in post_text(posted) and "posted on request" in post_text(
        posted
    )
    sam.click(item_button(posted, 0), Action.CHECKLIST_TICK)
    dana.click(item_button(posted, 3), Action.CHECKLIST_TICK)
    after = eventually(
        lambda: (m := updated(slack, posted, "<@U0SUP1>")) and "<@U0DEV1>" in post_text(m) and m
    )
    assert "2/6 done" in post_text(after)
    sam.click(item_button(after, 0), Action.CHECKLIST_TICK)  # untick
    updated(slack, posted, "1/6 done")
    dana.command("", command="/checklist")
    assert any(
        "1/6 done" in str(c.args.get("blocks"))
        for c in slack.wait_for("response_url", where=lambda c: c.args.get("hook_user") == "U0DEV1")
    )


def test_only_admins_post_on_demand(slack, person):
    person("U0SUP1").command("post morning", command="/checklist")
    assert any("Only admins" in t for t in replies_to("U0SUP1", slack))
    assert not posts(slack, "C0OPS")


def test_end_of_day_lists_what_was_left_unticked(slack, person):
    admin = person("U0MGR1")
    admin.command("post morning", command="/checklist")
    eventually(lambda: posts(slack, "C0OPS"))
    admin.command("post end-of-day", command="/checklist")
    end = eventually(lambda: len(posts(slack, "C0OPS")) == 2 and posts(slack, "C0OPS")[1])
    assert "Left unticked today" in post_text(end)
    assert "Review overnight error logs" in post_text(end)


def test_items_with_live_checks_show_their_results(slack, person, bot):
    bot.services.jobs.ran("checklists", bot.services.clock.now(), ok=False, next_run=None)
    person("U0MGR1").command("post morning", command="/checklist")
    posted = eventually(lambda: posts(slack, "C0OPS"), timeout=10)[0]
    text = post_text(posted)
    assert "CPU" in text and "memory" in text  # Check server resource usage: real figures
    assert "1 job" in text and "1 failure (checklists)" in text  # Check scheduled task execution


def test_twenty_people_clicking_different_items_at_once_lose_no_tick(slack, person, bot):
    from concurrent.futures import ThreadPoolExecutor

    from bot.config import ChecklistConfig

    big = ChecklistConfig(
        name="big", title="Big", schedule="daily 09:00", items=[f"item {n}" for n in range(20)]
    )
    bot.services.plan.checklists.append(big)  # a 20-item list for this test only
    try:
        person("U0MGR1").command("post big", command="/checklist")
        posted = eventually(lambda: posts(slack, "C0OPS"))[0]
        people = [person(f"U{n:03d}") for n in range(20)]
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(
                pool.map(
                    lambda n: people[n].click(item_button(posted, n), Action.CHECKLIST_TICK),
                    range(20),
                )
            )
        assert all(a.status_code == 200 for a in answers)
        final = updated(slack, posted, "20/20 done", timeout=15)
        for n in range(20):
            assert f"<@U{n:03d}>" in post_text(final)
    finally:
        bot.services.plan.checklists.remove(big)


def test_an_undo_of_someone_elses_tick_is_recorded_and_shown(slack, person, db):
    admin, sam, dana = person("U0MGR1"), person("U0SUP1"), person("U0DEV1")
    admin.command("post morning", command="/checklist")
    posted = eventually(lambda: posts(slack, "C0OPS"))[0]
    sam.click(item_button(posted, 0), Action.CHECKLIST_TICK)
    sam.click(item_button(posted, 1), Action.CHECKLIST_TICK)
    ticked = updated(slack, posted, "2/6 done")
    dana.click(item_button(ticked, 0), Action.CHECKLIST_TICK)  # Dana undoes Sam's tick
    sam.click(item_button(ticked, 1), Action.CHECKLIST_TICK)  # Sam undoes his own
    after = updated(slack, posted, "0/6 done")
    lines = {
        b["block_id"]: b["text"]["text"]
        for b in after["blocks"]
        if b["type"] == "section" and "block_id" in b
    }
    assert "unticked by <@U0DEV1>" in lines["item-0"]
    assert "(ticked by <@U0SUP1> at 10:" in lines["item-0"]
    assert "unticked by" not in lines["item-1"]  # taking back one's own tick is a correction
    with db.connect() as conn:
        undone = conn.execute(
            sa.text("SELECT item, ticked_by, unticked_by FROM checklist_unticks ORDER BY item")
        ).all()
    # By item: the two clicks are acked at once and their work runs side by side, so either
    # may be written first.
    assert [tuple(row) for row in undone] == [(0, "U0SUP1", "U0DEV1"), (1, "U0SUP1", "U0SUP1")]
    # Ticked again, the item shows the new tick only.
    sam.click(item_button(after, 0), Action.CHECKLIST_TICK)
    again = updated(slack, posted, "1/6 done")
    assert "unticked by" not in post_text(again)
