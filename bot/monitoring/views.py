"""Alerts as plain values for rendering and replies (no ORM row leaves its session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store import Alert, AlertState


@dataclass(frozen=True)
class AlertView:
    """One alert as people see it."""

    id: int
    monitor: str
    rule: str
    state: AlertState
    started_at: datetime
    fired_at: datetime | None
    resolved_at: datetime | None
    summary: str
    channel: str | None
    ts: str | None
    incident_id: int | None
    acked_by: str | None
    acked_at: datetime | None
    # Filled by whoever renders it: where the incident's post is, when known.
    incident_link: str | None = None

    @classmethod
    def of(cls, alert: Alert) -> AlertView:
        return cls(
            id=alert.id,
            monitor=alert.monitor,
            rule=alert.rule,
            state=alert.state,
            started_at=alert.started_at,
            fired_at=alert.fired_at,
            resolved_at=alert.resolved_at,
            summary=alert.summary,
            channel=alert.channel,
            ts=alert.ts,
            incident_id=alert.incident_id,
            acked_by=alert.acked_by,
            acked_at=alert.acked_at,
        )

    @property
    def incident_ref(self) -> str | None:
        return f"INC-{self.incident_id}" if self.incident_id is not None else None
