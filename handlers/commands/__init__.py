"""Slash command listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.commands import alerts, checklist, incident, oncall, report, runbook

COMMANDS = {
    "/incident": incident.incident_command,
    "/checklist": checklist.checklist_command,
    "/runbook": runbook.runbook_command,
    "/oncall": oncall.oncall_command,
    "/report": report.report_command,
    "/alerts": alerts.alerts_command,
}


def register(app: AsyncApp) -> None:
    """Wire every slash command (manifest.yml lists the same ones)."""
    for name, listener in COMMANDS.items():
        app.command(name)(listener)
