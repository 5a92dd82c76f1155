"""Incidents: declaring, tiering, acknowledging, resolving; command parsing; the post."""

from __future__ import annotations

from bot.incidents.commands import Command, parse, parse_id
from bot.incidents.declaration import Declaration, Declared
from bot.incidents.delivery import IncidentDelivery
from bot.incidents.reads import Yours
from bot.incidents.service import IncidentService

__all__ = [
    "Command",
    "Declaration",
    "Declared",
    "IncidentDelivery",
    "IncidentService",
    "parse",
    "parse_id",
    "Yours",
]
