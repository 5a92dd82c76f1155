"""Everything that talks to Slack: the gateway, the outbox and its worker, rendering and ids."""

from __future__ import annotations

from bot.slack.acks_first import AcksFirst
from bot.slack.gateway import SlackCallFailed, SlackGateway, find_marked, web_client
from bot.slack.ids import BOT_ACTOR, DECLARE_ANYWAY, SUGGEST, Action, Field, View
from bot.slack.outbox import Kind, Outbox
from bot.slack.quiet_gc import collect_when_quiet
from bot.slack.readahead import ReadAhead
from bot.slack.render import Message, Renderer
from bot.slack.replays import SeenRequests
from bot.slack.text import clean_text, plain
from bot.slack.worker import Claimed, DeliveryWorker, Handler, NotYet, RowWrite, Writeback

__all__ = [
    "AcksFirst",
    "Action",
    "BOT_ACTOR",
    "Claimed",
    "DECLARE_ANYWAY",
    "DeliveryWorker",
    "Field",
    "Handler",
    "Kind",
    "Message",
    "NotYet",
    "Outbox",
    "ReadAhead",
    "Renderer",
    "RowWrite",
    "SUGGEST",
    "SeenRequests",
    "SlackCallFailed",
    "SlackGateway",
    "View",
    "Writeback",
    "clean_text",
    "collect_when_quiet",
    "find_marked",
    "plain",
    "web_client",
]
