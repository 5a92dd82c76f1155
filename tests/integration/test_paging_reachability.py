"""A level nobody on it can be paged for is skipped at once, and the channel is told."""

from __future__ import annotations

import pytest

from bot.config import EscalationLevel, Plan
from tests.integration.conftest import PEOPLE
from tests.integration.flows import current, declare, eventually, page_counts, post_text, settled
from tests.integration.test_paging import ROTATION_MORNING, broadcasts


@pytest.fixture
def plan() -> Plan:
    """The seed plan with an empty level 2 and a level-1 person Slack has never heard of."""
    seed = Plan()
    levels = [lvl.model_dump() for lvl in seed.escalation]
    levels[0]["members"] = ["UGHOST1", "U0SUP2"]
    levels[1]["members"] = []
    return seed.model_copy(
        update={"escalation": [EscalationLevel.model_validate(lvl) for lvl in levels]}
    )


@pytest.mark.moment(ROTATION_MORNING)
def test_a_level_with_nobody_reachable_is_skipped_and_the_channel_told(slack, reporter, db):
    # The rotation puts UGHOST1 on level 1 today; Slack can't DM them; level 2 is empty.
    post = declare(reporter, slack, "emails not sending")
    eventually(lambda: settled(db))
    assert page_counts(slack, PEOPLE) == {"U0ARCH1": 1}
    assert any("UGHOST1" in t for t in broadcasts(slack, "could not reach"))
    assert any("level 2" in t for t in broadcasts(slack, "skipped a level"))
    assert "Level 3 — Senior Developer/Architect" in post_text(current(slack, post))


@pytest.mark.moment(ROTATION_MORNING)
def test_an_incident_channel_takes_everyone_slack_knows_when_one_is_unknown(slack, reporter, db):
    """The invite is one call with force: Slack invites the people it can and lists the rest,
    so UGHOST1 keeps nobody else out of the channel."""
    declare(reporter, slack, "site down for everyone")
    eventually(lambda: settled(db))
    (invite,) = slack.calls_to("conversations.invite")
    assert "UGHOST1" in invite.args["users"].split(",")
    channel = slack.channel_by_name(slack.calls_to("conversations.create")[0].args["name"])
    assert "U1" in channel["members"] and "UGHOST1" not in channel["members"]
    assert "U0SUP2" in channel["members"]
    assert any("INC-1" in m["text"] for m in slack.messages(channel["id"]))
