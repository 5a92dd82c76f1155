"""Paging by escalation level: pages, re-pages, hand-overs, deadlines, page DMs."""

from __future__ import annotations

from bot.paging.delivery import PAGE_EVENT, PageDelivery
from bot.paging.escalation import EscalationService
from bot.paging.pager import Pager
from bot.paging.responders import Responders, Verb, who_may_act

__all__ = [
    "EscalationService",
    "PAGE_EVENT",
    "PageDelivery",
    "Pager",
    "Responders",
    "Verb",
    "who_may_act",
]
