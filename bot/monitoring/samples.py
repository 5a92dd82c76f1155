"""The samples store's write side: one row per check (a minimal version; M1's adds rollups)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Plan
from bot.monitoring.observation import Observation
from bot.store import MonitorSample


async def record(session: AsyncSession, obs: Observation, plan: Plan) -> None:
    """Keep one observation as a raw sample, in the caller's transaction."""
    del plan  # the rollups' maintenance windows need it
    session.add(
        MonitorSample(
            monitor=obs.monitor,
            at=obs.at,
            until=obs.until,
            state=obs.state,
            response_ms=obs.response_ms,
            value=obs.value,
            summary=obs.result.summary[:200],
        )
    )
