"""The database: engine and sessions, the tables and the states they hold, migrations."""

from __future__ import annotations

from bot.store import bulk  # noqa: F401  (registers the bulk insert on every session)
from bot.store.engine import async_engine, session_factory, sync_engine
from bot.store.heartbeat import beat
from bot.store.install import InstallSetting, Mode, WrongDatabase, install_id, open_database
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
from bot.store.reports import Report
from bot.store.resolutions import Resolution
from bot.store.seen import SeenRequest
from bot.store.states import (
    DEADLINE_STEPS,
    LIVE_PAGES,
    IncidentStatus,
    OutboxStatus,
    PageKind,
    PageStatus,
    ReportKind,
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
    "InstallSetting",
    "Mode",
    "OnCallOverride",
    "OutboxMessage",
    "OutboxStatus",
    "Page",
    "PageKind",
    "PageStatus",
    "Report",
    "ReportKind",
    "Resolution",
    "RunKind",
    "RunStatus",
    "SeenRequest",
    "StepKind",
    "StepStatus",
    "WrongDatabase",
    "async_engine",
    "beat",
    "install_id",
    "session_factory",
    "open_database",
    "sync_engine",
    "upgrade",
]
