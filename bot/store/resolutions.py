"""Every write-up an incident was resolved with: a reopened incident's earlier ones stay."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class Resolution(Base):
    """One resolve: who, when, and the summary, root cause and lessons learned given."""

    __tablename__ = "resolutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    resolved_at: Mapped[datetime]
    resolved_by: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str | None] = mapped_column(Text)
    lessons: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_resolutions_incident", "incident_id"),)
