"""Incidents: declaring, tiering, acknowledging, resolving; command parsing; the post."""

from __future__ import annotations

from bot.incidents.commands import Command, parse, parse_id
from bot.incidents.declaration import Declaration, Declared
from bot.incidents.delivery import IncidentDelivery
from bot.incidents.lookalike import carried, carry
from bot.incidents.reads import Yours
from bot.incidents.service import IncidentService
from bot.incidents.titles import TITLE_LIMIT, split_report

__all__ = [
    "TITLE_LIMIT",
    "Command",
    "Declaration",
    "Declared",
    "IncidentDelivery",
    "IncidentService",
    "parse",
    "carried",
    "carry",
    "parse_id",
    "split_report",
    "Yours",
]
