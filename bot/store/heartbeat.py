"""One row the health check rewrites: proof that the database takes a write right now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base

ROW = 1


class Heartbeat(Base):
    """When the health check last wrote."""

    __tablename__ = "heartbeat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    beat_at: Mapped[datetime]


async def beat(session: AsyncSession, now: datetime) -> None:
    """Write the heartbeat in the session's transaction: committing it fails on a locked,
    read-only or full database, where a SELECT would still pass."""
    written = await session.execute(
        update(Heartbeat).where(Heartbeat.id == ROW).values(beat_at=now)
    )
    if not written.rowcount:  # type: ignore[attr-defined]
        session.add(Heartbeat(id=ROW, beat_at=now))
