"""The database: engine and sessions, the tables and the states they hold, migrations."""

from __future__ import annotations

# bulk registers its flush hook on every session.
from bot.store.bulk import add_row, begin_batch, drop_batch, end_batch, insert_now
from bot.store.engine import (
    APP_CONNECTIONS,
    CLAIM_CONNECTIONS,
    async_engine,
    session_factory,
    sync_engine,
)
from bot.store.heartbeat import beat
from bot.store.install import (
    InstallSetting,
    Mode,
    WrongDatabase,
    first_start,
    install_id,
    open_database,
    record_first_start,
)
from bot.store.learned import ClassifierExample
from bot.store.lists import one_of
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
    table_of,
)
from bot.store.monitoring import Alert, MonitorMute, MonitorRollup, MonitorSample, MonitorStatus
from bot.store.records import (
    IncidentRecord,
    read_entries,
    read_entry,
    read_incident,
    read_incidents,
)
from bot.store.reports import Report
from bot.store.resolutions import Resolution
from bot.store.seen import SeenRequest
from bot.store.states import (
    DEADLINE_STEPS,
    LIVE_PAGES,
    AlertState,
    IncidentStatus,
    MuteKind,
    OutboxStatus,
    PageKind,
    PageStatus,
    ReportKind,
    RollupPeriod,
    RunKind,
    RunStatus,
    SampleState,
    StepKind,
    StepStatus,
)
from bot.store.unticks import ChecklistUntick

__all__ = [
    "Alert",
    "AlertState",
    "MonitorMute",
    "MonitorRollup",
    "MonitorSample",
    "MonitorStatus",
    "MuteKind",
    "RollupPeriod",
    "SampleState",
    "DEADLINE_STEPS",
    "LIVE_PAGES",
    "Base",
    "table_of",
    "ChecklistRun",
    "ChecklistTick",
    "ChecklistUntick",
    "ClassifierExample",
    "EscalationStep",
    "Handoff",
    "Incident",
    "IncidentRecord",
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
    "add_row",
    "insert_now",
    "one_of",
    "APP_CONNECTIONS",
    "CLAIM_CONNECTIONS",
    "async_engine",
    "beat",
    "begin_batch",
    "drop_batch",
    "end_batch",
    "first_start",
    "install_id",
    "session_factory",
    "open_database",
    "read_entries",
    "read_entry",
    "read_incident",
    "read_incidents",
    "record_first_start",
    "sync_engine",
    "upgrade",
]
