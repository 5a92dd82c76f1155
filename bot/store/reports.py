"""The reports table: one row per posted (or missed) report; and the indexes reports read other
tables by, so a period's figures read that period's rows, however long the history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.columns import state
from bot.store.models import Base, Incident, IncidentEvent, Page
from bot.store.states import ReportKind, RunStatus


class Report(Base):
    """A report posted (or missed) for a period; slot_key makes each scheduled one post once.

    The figures are rendered when the report is made and kept, so a post that goes out late or
    is retried shows what was true at `cutoff`, and the charts are drawn from the series kept
    beside them."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(state(ReportKind))
    slot_key: Mapped[str] = mapped_column(String(120), unique=True)
    slot_at: Mapped[datetime]
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    cutoff: Mapped[datetime]
    status: Mapped[RunStatus] = mapped_column(state(RunStatus))
    channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    requested_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    # {"messages": [{"text": …, "blocks": […]}, …]}: the first is the post, the rest its thread.
    messages: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # {"charts": [{"name": …, "title": …, "alt": …, …the series}]}
    charts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Uploaded chart files by chart name: {"incidents_per_day": "F0123"}.
    files: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_reports_kind_period", "kind", "period_start"),)


# Declared here rather than in each table's __table_args__: they exist for the reports' reads.
REPORT_INDEXES = (
    Index("ix_incidents_created_at", Incident.created_at),
    Index("ix_incidents_resolved_at", Incident.resolved_at),
    Index("ix_pages_sent_at", Page.sent_at),
    Index("ix_pages_created_at", Page.created_at),
    Index("ix_incident_events_at", IncidentEvent.at),
)
