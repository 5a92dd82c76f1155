"""What the status page shows, as plain values (no ORM rows, nothing secret)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.status.shapes import Bar, Sparkline


class Shown(StrEnum):
    """A monitor's state as the page shows it: a sample state, or why there is none."""

    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"
    UNKNOWN = "unknown"
    MAINTENANCE = "maintenance"
    # No check yet, or the last one is long overdue (the bot is not probing): no data.
    STALE = "stale"


class Banner(StrEnum):
    """The page's headline, from the monitors' current states only."""

    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    OUTAGE = "outage"
    MAINTENANCE = "maintenance"
    NO_DATA = "no_data"
    NO_MONITORS = "no_monitors"


@dataclass(frozen=True)
class UptimeFigure:
    """Uptime over one window ("24 h", "7 d", "90 d"): % of observed time not down, and how
    much of the window was observed at all (None: no data)."""

    label: str
    percent: float | None
    coverage: float | None


@dataclass(frozen=True)
class MonitorCard:
    """One monitor now. `target` and `summary` are only set for `public: true` monitors."""

    name: str
    kind: str
    state: Shown
    since: datetime | None
    checked_at: datetime | None
    response_ms: int | None
    target: str | None = None
    summary: str | None = None
    uptimes: tuple[UptimeFigure, ...] = ()
    avg_response_ms: float | None = None
    spark: Sparkline | None = None
    bars: tuple[Bar, ...] = ()


@dataclass(frozen=True)
class IncidentLine:
    """One incident as the page lists it."""

    id: int
    tier: int
    tier_name: str
    title: str
    status: str
    declared_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class FiringAlert:
    """One rule firing on one monitor (fields named as the alerts table names them)."""

    monitor: str
    rule: str
    fired_at: datetime | None
    # Who acknowledged it (None: nobody yet); the App Home names them, the page does not.
    acked_by: str | None
    incident_id: int | None
    summary: str | None = None


@dataclass(frozen=True)
class StatusPage:
    """Everything the page shows, read in one go at `generated_at`."""

    generated_at: datetime
    banner: Banner
    monitors: list[MonitorCard]
    open_incidents: list[IncidentLine]
    history: list[IncidentLine]
    history_total: int
    alerts: list[FiringAlert]
    timezone: str
    counts: dict[Shown, int] = field(default_factory=dict)
