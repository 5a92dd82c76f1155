"""Event listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events import app_home


def register(app: AsyncApp) -> None:
    """Wire every event we act on."""
    app.event("app_home_opened")(app_home.publish_home)
