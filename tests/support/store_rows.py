"""Rows for tests of the store: an incident with only what a declaration must give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import Plan, Policy
from bot.store import Incident

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def bare_incident(source_key: str | None = None) -> Incident:
    """A new incident whose other columns take their defaults."""
    return Incident(
        title="checkout is broken",
        tier=1,
        category="payments",
        reporter="U1",
        created_at=NOW,
        updated_at=NOW,
        ack_due_at=NOW + timedelta(minutes=15),
        post_channel="C0INCIDENTS",
        policy=Policy.of(Plan()),
        source_key=source_key,
    )
