"""The App Home tab lists open incidents with their deadlines."""

from __future__ import annotations

from tests.integration.flows import declare, eventually


def test_opening_the_home_tab_publishes_open_incidents(slack, reporter, person):
    declare(reporter, slack, "checkout is broken for everyone")
    person("U0MGR1").command("post morning", command="/checklist")
    eventually(
        lambda: (
            slack.calls_to("chat.postMessage")
            and len(
                [c for c in slack.delivered("chat.postMessage") if c.args["channel"] == "C0OPS"]
            )
        )
    )
    assert reporter.open_home().status_code == 200
    published = slack.wait_for("views.publish")[0]
    assert published.args["user_id"] == "U1"
    text = str(published.args["view"]["blocks"])
    assert "INC-1" in text and "ack due in" in text and "Escalation levels" in text
    assert "Morning checklist (9 AM)*: 0/6" in text
