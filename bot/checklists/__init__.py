"""Scheduled checklists: posting slots, ticks, progress."""

from __future__ import annotations

from bot.checklists.delivery import ChecklistDelivery, link_to
from bot.checklists.marks import complete_item
from bot.checklists.service import RUNBOOK_PREFIX, ChecklistService, Posting
from bot.checklists.views import ItemView, RunView, Undone

__all__ = [
    "RUNBOOK_PREFIX",
    "ChecklistDelivery",
    "ChecklistService",
    "ItemView",
    "Posting",
    "RunView",
    "Undone",
    "complete_item",
    "link_to",
]
