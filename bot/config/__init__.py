"""The support plan: config models, the seed defaults, settings, durations, the policy snapshot."""

from __future__ import annotations

from bot.config.checks import (
    AnyCheck,
    Checked,
    CheckSpec,
    DatabaseCheck,
    HostCheck,
    HttpCheck,
    MetricCheck,
    SqlCheck,
    TlsCheck,
    current_check,
)
from bot.config.durations import format_duration, parse_duration
from bot.config.loading import load_plan, plan_as_yaml
from bot.config.monitors import (
    BUSINESS_MEASURES,
    SEED_ABOVE,
    MaintenanceWindow,
    Measure,
    MonitorConfig,
    MonitoringSettings,
)
from bot.config.plan import Plan
from bot.config.policy import Policy, PolicyLevel, Targets
from bot.config.redact import mask_secrets, mask_text, mask_url
from bot.config.sections import (
    ChecklistConfig,
    ClassifierConfig,
    ClassifierExample,
    ClassifierRule,
    EscalationLevel,
    texts_as_items,
)
from bot.config.settings import Settings

__all__ = [
    "AnyCheck",
    "CheckSpec",
    "Checked",
    "ChecklistConfig",
    "ClassifierConfig",
    "ClassifierExample",
    "ClassifierRule",
    "DatabaseCheck",
    "EscalationLevel",
    "HostCheck",
    "BUSINESS_MEASURES",
    "HttpCheck",
    "MaintenanceWindow",
    "Measure",
    "MetricCheck",
    "MonitorConfig",
    "MonitoringSettings",
    "SEED_ABOVE",
    "SqlCheck",
    "Plan",
    "Policy",
    "PolicyLevel",
    "Settings",
    "Targets",
    "TlsCheck",
    "current_check",
    "format_duration",
    "load_plan",
    "mask_secrets",
    "mask_text",
    "mask_url",
    "parse_duration",
    "plan_as_yaml",
    "texts_as_items",
]
