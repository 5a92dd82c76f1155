"""Slash command listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.commands import incident


def register(app: AsyncApp) -> None:
    """Wire every slash command."""
    app.command("/incident")(incident.incident_command)
