"""The database: engine and sessions, the tables and the states they hold, migrations."""

from __future__ import annotations

from bot.store.engine import async_engine, session_factory, sync_engine
from bot.store.learned import ClassifierExample
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
from bot.store.states import (
    DEADLINE_STEPS,
    LIVE_PAGES,
    IncidentStatus,
    OutboxStatus,
    PageKind,
    PageStatus,
    RunKind,
    RunStatus,
    StepKind,
    StepStatus,
)

__all__ = [
    "DEADLINE_STEPS",
    "LIVE_PAGES",
    "Base",
    "ChecklistRun",
    "ChecklistTick",
    "ClassifierExample",
    "EscalationStep",
    "Handoff",
    "Incident",
    "IncidentEvent",
    "IncidentStatus",
    "OnCallOverride",
    "OutboxMessage",
    "OutboxStatus",
    "Page",
    "PageKind",
    "PageStatus",
    "RunKind",
    "RunStatus",
    "StepKind",
    "StepStatus",
    "async_engine",
    "session_factory",
    "sync_engine",
    "upgrade",
]
