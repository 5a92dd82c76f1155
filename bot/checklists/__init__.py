"""Scheduled checklists: posting slots, ticks, progress."""

from __future__ import annotations

from bot.checklists.delivery import ChecklistDelivery
from bot.checklists.marks import complete_item
from bot.checklists.service import RUNBOOK_PREFIX, ChecklistService, ItemView, RunView

__all__ = [
    "RUNBOOK_PREFIX",
    "ChecklistDelivery",
    "ChecklistService",
    "ItemView",
    "RunView",
    "complete_item",
]
