"""Ticks undone: who undid whose tick and when, kept so an undo is never silent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class ChecklistUntick(Base):
    """One undo of a tick: the tick as it was, and who took it back (append-only)."""

    __tablename__ = "checklist_unticks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("checklist_runs.id", ondelete="CASCADE"))
    item: Mapped[int]
    ticked_by: Mapped[str] = mapped_column(String(40))
    ticked_at: Mapped[datetime]
    unticked_by: Mapped[str] = mapped_column(String(40))
    unticked_at: Mapped[datetime]

    __table_args__ = (Index("ix_checklist_unticks_run_id", "run_id"),)
