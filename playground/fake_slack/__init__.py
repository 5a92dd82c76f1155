"""In-memory fake of the Slack Web API, served over real HTTP to slack_sdk's clients."""

from playground.fake_slack.fake import FakeSlack
from playground.fake_slack.recorder import Call
from playground.fake_slack.server import FakeSlackServer

__all__ = ["Call", "FakeSlack", "FakeSlackServer"]
