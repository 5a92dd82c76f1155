"""The database: engine and sessions, the tables, migrations."""

from __future__ import annotations

from bot.store.engine import async_engine, session_factory, sync_engine
from bot.store.install import InstallSetting, Mode, WrongDatabase, open_database
from bot.store.migrate import upgrade
from bot.store.models import (
    Base,
    ChecklistRun,
    ChecklistTick,
    EscalationStep,
    Handoff,
    Incident,
    IncidentEvent,
    OnCallOverride,
    OutboxMessage,
    Page,
)

__all__ = [
    "Base",
    "ChecklistRun",
    "ChecklistTick",
    "EscalationStep",
    "Handoff",
    "Incident",
    "IncidentEvent",
    "InstallSetting",
    "Mode",
    "OnCallOverride",
    "OutboxMessage",
    "Page",
    "WrongDatabase",
    "async_engine",
    "session_factory",
    "open_database",
    "sync_engine",
    "upgrade",
]
