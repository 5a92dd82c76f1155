"""An incident on record, shared by incidents and paging: its timeline and read views."""

from __future__ import annotations

from bot.timeline.log import BOT_ACTOR, IncidentLog, incident_key
from bot.timeline.views import (
    EventView,
    IncidentDetail,
    IncidentFields,
    IncidentView,
    PageFields,
    ref,
)

__all__ = [
    "BOT_ACTOR",
    "EventView",
    "IncidentDetail",
    "IncidentFields",
    "IncidentLog",
    "IncidentView",
    "PageFields",
    "incident_key",
    "ref",
]
