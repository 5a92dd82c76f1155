"""The monitoring tables: samples and their aggregates, each monitor's state, alerts, mutes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.columns import state
from bot.store.models import Base
from bot.store.states import AlertState, MuteKind, RollupPeriod, SampleState


class MonitorSample(Base):
    """One check of one monitor: kept raw for `monitoring.retention.raw`."""

    __tablename__ = "monitor_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    monitor: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime]
    # Until when this sample speaks for the monitor: the next check was due by then. Time past
    # it with no newer sample is a gap (the bot was not running), not downtime.
    until: Mapped[datetime]
    state: Mapped[SampleState] = mapped_column(state(SampleState, 12))
    response_ms: Mapped[int | None]
    value: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (Index("ix_monitor_samples_monitor_at", "monitor", "at"),)


class MonitorRollup(Base):
    """A monitor's samples over one hour or one day: seconds in each state and the averages'
    sums, kept for `monitoring.retention.aggregates`."""

    __tablename__ = "monitor_rollups"

    monitor: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[RollupPeriod] = mapped_column(state(RollupPeriod, 8), primary_key=True)
    start: Mapped[datetime] = mapped_column(primary_key=True)
    up_s: Mapped[int] = mapped_column(default=0)
    degraded_s: Mapped[int] = mapped_column(default=0)
    down_s: Mapped[int] = mapped_column(default=0)
    unknown_s: Mapped[int] = mapped_column(default=0)
    maintenance_s: Mapped[int] = mapped_column(default=0)
    checks: Mapped[int] = mapped_column(default=0)
    failed_checks: Mapped[int] = mapped_column(default=0)
    response_ms_sum: Mapped[float] = mapped_column(Float, default=0)
    response_count: Mapped[int] = mapped_column(default=0)
    value_sum: Mapped[float] = mapped_column(Float, default=0)
    value_count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_monitor_rollups_period_start", "period", "start"),)


class MonitorStatus(Base):
    """Each monitor's latest state, and when its next check is due (claimed once across
    replicas by moving `next_due` forward)."""

    __tablename__ = "monitor_status"

    monitor: Mapped[str] = mapped_column(String(60), primary_key=True)
    state: Mapped[SampleState] = mapped_column(state(SampleState, 12))
    since: Mapped[datetime]
    checked_at: Mapped[datetime | None]
    next_due: Mapped[datetime]
    failed_in_row: Mapped[int] = mapped_column(default=0)
    good_in_row: Mapped[int] = mapped_column(default=0)
    response_ms: Mapped[int | None]
    value: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(String(200), default="")


class Alert(Base):
    """One rule firing on one monitor, from first breach to recovery.

    `open_key` is "monitor:rule" while the alert is not resolved and NULL after: being unique,
    it keeps one open alert per monitor and rule across restarts and replicas."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    monitor: Mapped[str] = mapped_column(String(60))
    rule: Mapped[str] = mapped_column(String(30))
    open_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    state: Mapped[AlertState] = mapped_column(state(AlertState, 12))
    started_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    good_in_row: Mapped[int] = mapped_column(default=0)
    value: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str | None] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    acked_by: Mapped[str | None] = mapped_column(String(40))
    acked_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_alerts_state", "state"), Index("ix_alerts_monitor", "monitor"))


class MonitorMute(Base):
    """A silence or a maintenance window on one monitor (`monitor` NULL: every monitor)."""

    __tablename__ = "monitor_mutes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    monitor: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[MuteKind] = mapped_column(state(MuteKind, 12))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_monitor_mutes_ends_at", "ends_at"),)
