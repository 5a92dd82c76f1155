"""Monitoring rows written straight into a test database: the state the runner would leave."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.store import Alert, AlertState, MonitorStatus, SampleState


def set_status(
    db: sa.Engine,
    monitor: str,
    state: SampleState,
    *,
    checked_at: datetime,
    since: datetime | None = None,
    response_ms: int | None = None,
    summary: str = "",
) -> None:
    """Put one monitor's current state in monitor_status (replacing any before)."""
    with db.begin() as conn:
        conn.execute(sa.delete(MonitorStatus).where(MonitorStatus.monitor == monitor))
        conn.execute(
            sa.insert(MonitorStatus).values(
                monitor=monitor,
                state=state,
                since=since or checked_at,
                checked_at=checked_at,
                next_due=checked_at + timedelta(minutes=1),
                failed_in_row=0 if state is SampleState.UP else 3,
                good_in_row=1 if state is SampleState.UP else 0,
                response_ms=response_ms,
                summary=summary,
            )
        )


def add_alert(
    db: sa.Engine,
    monitor: str,
    rule: str,
    *,
    fired_at: datetime,
    state: AlertState = AlertState.FIRING,
    summary: str = "",
    incident_id: int | None = None,
) -> None:
    """One alert row as the rules would leave it."""
    with db.begin() as conn:
        conn.execute(
            sa.insert(Alert).values(
                monitor=monitor,
                rule=rule,
                open_key=None if state is AlertState.RESOLVED else f"{monitor}:{rule}",
                state=state,
                started_at=fired_at,
                fired_at=fired_at,
                resolved_at=fired_at + timedelta(minutes=5)
                if state is AlertState.RESOLVED
                else None,
                summary=summary,
                incident_id=incident_id,
            )
        )
