"""Examples the classifier learned from responders: a table of its own beside the models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class ClassifierExample(Base):
    """A report whose tier a responder changed: the classifier's example for the next one."""

    __tablename__ = "classifier_examples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    tier: Mapped[int]
    category: Mapped[str] = mapped_column(String(40))
    # One example per incident: a second change of its tier rewrites it.
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), unique=True
    )
    learned_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
