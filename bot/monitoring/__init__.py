"""Monitoring: monitors run their checks on a schedule, samples are kept for uptime, rules
raise alerts in the alerts channel and, for a site down or slow, incidents."""

from __future__ import annotations

from bot.monitoring.commands import AlertsCommand
from bot.monitoring.commands import parse as parse_alerts
from bot.monitoring.delivery import AlertDelivery
from bot.monitoring.observation import Observation
from bot.monitoring.runner import MonitorRunner
from bot.monitoring.service import AlertService, Firing, MuteView

__all__ = [
    "AlertDelivery",
    "AlertService",
    "AlertsCommand",
    "Firing",
    "MonitorRunner",
    "MuteView",
    "Observation",
    "parse_alerts",
]
