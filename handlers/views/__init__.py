"""Modal submission listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack import View
from handlers.views import declare, decline, resolve


def register(app: AsyncApp) -> None:
    """Wire every modal callback id."""
    app.view(View.DECLARE)(declare.submit_declaration)
    app.view(View.RESOLVE)(resolve.submit_resolution)
    app.view(View.DECLINE)(decline.submit_decline)
