"""Thin Bolt listeners, one package per Slack surface: parse, call a service, ack, reply."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import actions, commands, events, fallbacks, views
from handlers.user_text import clean_user_text


def register_all(app: AsyncApp) -> None:
    """Wire every listener; the catch-alls go last. Typed text is cleaned before any of them."""
    app.use(clean_user_text)
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    fallbacks.register(app)
