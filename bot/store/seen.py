"""The table of Slack requests already taken in (kept apart from the domain's tables)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class SeenRequest(Base):
    """A Slack request already taken in, by a digest of what identifies it (its trigger id,
    action stamp or view version): a replayed or retried copy finds it and does nothing."""

    __tablename__ = "seen_requests"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_seen_requests_created_at", "created_at"),)
