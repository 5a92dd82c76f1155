"""The page's pictures: a day's bar (its class and tooltip), a response-time sparkline as SVG
polyline points. No figures are computed here, only drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

SPARK_WIDTH = 240
SPARK_HEIGHT = 36


@dataclass(frozen=True)
class Bar:
    """One day of one monitor: its CSS class (the day's level) and its tooltip."""

    day: date
    css: str
    title: str


@dataclass(frozen=True)
class Sparkline:
    """Response times as polylines (a gap in the data breaks the line) and their range."""

    lines: tuple[str, ...]
    low_ms: float
    high_ms: float
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(points: Sequence[float | None]) -> Sparkline | None:
    """Evenly spaced points (None: no data there) scaled into the box; None with no data."""
    known = [p for p in points if p is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(points) - 1, 1)
    lines: list[str] = []
    current: list[str] = []
    for index, value in enumerate(points):
        if value is None:
            if current:
                lines.append(" ".join(current))
            current = []
            continue
        y = SPARK_HEIGHT - 2 - (value - low) / span * (SPARK_HEIGHT - 4)
        current.append(f"{index * step:.1f},{y:.1f}")
    if current:
        lines.append(" ".join(current))
    # A lone point between gaps draws nothing as a polyline: give it a tiny width.
    lines = [line if " " in line else f"{line} {_nudge(line)}" for line in lines]
    return Sparkline(tuple(lines), low, high)


def _nudge(point: str) -> str:
    x, y = point.split(",")
    return f"{float(x) + 1.5:.1f},{y}"
