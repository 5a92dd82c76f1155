"""The App Home tab lists open incidents with their deadlines."""

from __future__ import annotations

from tests.integration.flows import declare


def test_opening_the_home_tab_publishes_open_incidents(slack, reporter):
    declare(reporter, slack, "checkout is broken for everyone")
    assert reporter.open_home().status_code == 200
    published = slack.wait_for("views.publish")[0]
    assert published.args["user_id"] == "U1"
    text = str(published.args["view"]["blocks"])
    assert "INC-1" in text and "ack due in" in text and "Escalation levels" in text
