"""Each monitor's past on the status page: uptime over 24 h / 7 d / 90 d with coverage, a
24-hour response-time sparkline and 90 daily bars, read with monitoring's read side."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Plan
from bot.monitoring.uptime import DayBar, daily_bars, response_series, uptime
from bot.status.shapes import Bar, sparkline
from bot.status.views import MonitorCard, UptimeFigure

WINDOWS = (("24 h", timedelta(hours=24)), ("7 d", timedelta(days=7)), ("90 d", timedelta(days=90)))
BAR_DAYS = 90
SPARK_SPAN = timedelta(hours=24)
SPARK_POINTS = 48


async def with_history(
    session: AsyncSession, plan: Plan, cards: list[MonitorCard], now: datetime
) -> list[MonitorCard]:
    """The cards with their uptimes, sparkline and daily bars filled in."""
    names = [card.name for card in cards]
    windows = [
        (label, await uptime(session, names, now - span, now, plan=plan)) for label, span in WINDOWS
    ]
    filled = []
    for card in cards:
        series = await response_series(
            session, card.name, now - SPARK_SPAN, now, points=SPARK_POINTS
        )
        bars = await daily_bars(session, card.name, days=BAR_DAYS, zone=plan.zone, now=now)
        day = windows[0][1][card.name]
        filled.append(
            replace(
                card,
                uptimes=tuple(
                    UptimeFigure(label, figures[card.name].percent, figures[card.name].coverage)
                    for label, figures in windows
                ),
                avg_response_ms=day.avg_response_ms,
                spark=sparkline([point.avg_ms for point in series]),
                bars=tuple(_bar(bar) for bar in bars),
            )
        )
    return filled


def _bar(bar: DayBar) -> Bar:
    label = bar.day.strftime("%a %d %b")
    minutes = bar.down_s / 60
    if not bar.observed_s:
        said = "planned maintenance" if bar.maintenance_s else "no data"
    elif not bar.down_s:
        said = "no downtime"
    else:
        said = f"{minutes:.0f} min down" if minutes >= 1 else "under a minute down"
    if bar.maintenance_s and bar.observed_s:
        said += f", {bar.maintenance_s / 60:.0f} min maintenance"
    return Bar(bar.day, bar.level.value, f"{label}: {said}")
