"""Who is on call: phases, rotation, covers, handoffs, /oncall."""

from __future__ import annotations

from bot.oncall.calendar import Calendar, Phase
from bot.oncall.commands import parse
from bot.oncall.delivery import OnCallDelivery
from bot.oncall.service import CoverView, OnCallService, Roster, reached_by

__all__ = [
    "Calendar",
    "CoverView",
    "OnCallDelivery",
    "OnCallService",
    "Phase",
    "Roster",
    "parse",
    "reached_by",
]
