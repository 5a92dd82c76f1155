"""Silences and maintenance windows: while one covers a monitor, its alerts neither fire nor
remind (maintenance is also left out of uptime, by the samples store)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Plan
from bot.store import MonitorMute


def in_config_maintenance(plan: Plan, monitor: str, at: datetime) -> bool:
    """A maintenance window from the config covers the monitor at this time."""
    return any(
        (not w.monitors or monitor in w.monitors) and w.start <= at < w.end
        for w in plan.monitoring.maintenance
    )


async def active_mutes(session: AsyncSession, at: datetime) -> list[MonitorMute]:
    """Silences and maintenance windows in force now (monitor NULL: every monitor)."""
    rows = await session.scalars(
        select(MonitorMute)
        .where(MonitorMute.starts_at <= at, MonitorMute.ends_at > at)
        .order_by(MonitorMute.ends_at)
    )
    return list(rows.all())


async def is_muted(session: AsyncSession, plan: Plan, monitor: str, at: datetime) -> bool:
    """Whether the monitor's alerts are muted now (a silence, or maintenance of either kind)."""
    if in_config_maintenance(plan, monitor, at):
        return True
    found = await session.scalar(
        select(MonitorMute.id)
        .where(
            or_(MonitorMute.monitor.is_(None), MonitorMute.monitor == monitor),
            MonitorMute.starts_at <= at,
            MonitorMute.ends_at > at,
        )
        .limit(1)
    )
    return found is not None


async def muted_monitors(
    session: AsyncSession, plan: Plan, monitors: Collection[str], at: datetime
) -> set[str]:
    """Which of the monitors' alerts are muted now, read in one query for all of them."""
    rows = await session.scalars(
        select(MonitorMute.monitor).where(MonitorMute.starts_at <= at, MonitorMute.ends_at > at)
    )
    named = set(rows.all())
    if None in named:
        return set(monitors)
    return {m for m in monitors if m in named or in_config_maintenance(plan, m, at)}
