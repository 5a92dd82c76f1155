"""What the bot watches (`monitors:`) and how it alerts (`monitoring:`), as validated config.

A monitor is a live check run on a schedule. Its rules take the seed plan's thresholds unless
the monitor overrides them; `monitoring:` holds the defaults every monitor shares.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from bot.config.checks import CheckSpec
from bot.config.sections import Duration, StrictModel
from bot.config.seed import monitoring as seed


def _percent(value: Any) -> Any:
    if isinstance(value, str) and value.strip().endswith("%"):
        return float(value.strip().removesuffix("%"))
    return value


Percent = Annotated[float, BeforeValidator(_percent), Field(ge=0, le=100)]


class Measure(StrEnum):
    """What a `metric` or `sql` monitor's number is; each has the seed's threshold built in."""

    ERROR_RATE = "error_rate"  # % of requests failing
    DB_CONNECTIONS = "db_connections"  # % of the database's capacity in use
    QUEUE_DEPTH = "queue_depth"  # jobs waiting
    ORDER_VOLUME = "order_volume"  # business metrics: compared with last week
    REGISTRATIONS = "registrations"
    CONVERSION_RATE = "conversion_rate"
    CART_ABANDONMENT = "cart_abandonment"
    OTHER = "other"  # only the monitor's own `above` / `below`


BUSINESS_MEASURES = frozenset(
    {Measure.ORDER_VOLUME, Measure.REGISTRATIONS, Measure.CONVERSION_RATE, Measure.CART_ABANDONMENT}
)

SEED_ABOVE: dict[Measure, float] = {
    Measure.ERROR_RATE: seed.ERROR_RATE_ABOVE,
    Measure.DB_CONNECTIONS: seed.DB_CONNECTIONS_ABOVE,
    Measure.QUEUE_DEPTH: seed.QUEUE_DEPTH_ABOVE,
}


class _WithFor(StrictModel):
    # `for:` is a Python keyword: the field is `for_`, read and written as `for`.
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class MonitorConfig(_WithFor):
    """One monitor: a named check on a schedule, with the rules' thresholds it overrides."""

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")
    every: Duration = Field(default_factory=lambda: timedelta(minutes=1))
    check: CheckSpec
    # Shown on the public status page as is; otherwise only the name is shown there.
    public: bool = False
    measures: Measure = Measure.OTHER
    # Rule overrides (None: the `monitoring:` default, itself the seed's).
    down_after: int | None = Field(default=None, ge=1, description="failed checks in a row = down")
    slow_after: Duration | None = None
    slow_incident_after: Duration | None = None
    error_rate_above: Percent | None = None
    cpu_above: Percent | None = None
    memory_above: Percent | None = None
    disk_free_below: Percent | None = None
    above: float | None = None
    below: float | None = None
    drop_above: Percent | None = Field(
        None, description="business metric: alert when it falls this % below last week"
    )
    for_: Duration | None = Field(default=None, alias="for")
    recover_after: int | None = Field(default=None, ge=1)
    remind_every: Duration | None = None
    incident: bool = Field(True, description="may open incidents (down, sustained slowness)")

    @field_validator("every")
    @classmethod
    def _not_too_often(cls, every: timedelta) -> timedelta:
        if every < timedelta(seconds=5):
            raise ValueError("must be at least 5s")
        return every

    @model_validator(mode="after")
    def _fits_its_check(self) -> MonitorConfig:
        kind = self.check.kind
        if kind == "jobs":
            raise ValueError("check: a monitor cannot watch the bot's own jobs (kind: jobs)")
        if self.measures is not Measure.OTHER and kind not in {"metric", "sql"}:
            raise ValueError(
                f"measures: only a metric or sql monitor measures a number, not {kind}"
            )
        return self


class MaintenanceWindow(StrictModel):
    """Planned work: alerts are muted and the time is left out of uptime."""

    monitors: list[str] = Field(default_factory=list, description="empty: every monitor")
    start: datetime
    end: datetime
    reason: str = ""

    @model_validator(mode="after")
    def _start_before_end(self) -> MaintenanceWindow:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a UTC offset, e.g. 2026-12-05T02:00:00Z")
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class Retention(StrictModel):
    """How long samples are kept: raw per check, then hourly and daily aggregates."""

    raw: Duration = Field(default_factory=lambda: timedelta(days=7))
    aggregates: Duration = Field(default_factory=lambda: timedelta(days=400))


class MonitoringSettings(_WithFor):
    """Defaults every monitor's rules share, and where alerts go."""

    channel: str = Field(default="alerts", description="a channel purpose (alerts, ops…) or an id")
    down_after: int = Field(default=seed.DOWN_AFTER, ge=1)
    slow_after: Duration = Field(default_factory=lambda: timedelta(seconds=3))
    slow_incident_after: Duration = Field(default_factory=lambda: timedelta(seconds=5))
    error_rate_above: Percent = seed.ERROR_RATE_ABOVE
    cpu_above: Percent = seed.CPU_ABOVE
    memory_above: Percent = seed.MEMORY_ABOVE
    disk_free_below: Percent = seed.DISK_FREE_BELOW
    # One spike is not an alert: a threshold must hold this long first.
    for_: Duration = Field(default_factory=lambda: timedelta(minutes=3), alias="for")
    recover_after: int = Field(default=2, ge=1, description="good checks in a row before recovery")
    remind_every: Duration = Field(default_factory=lambda: timedelta(hours=1))
    tls_warn_days: list[int] = Field(default_factory=lambda: list(seed.TLS_WARN_DAYS))
    drop_above: Percent = 20.0
    down_tier: int = seed.DOWN_TIER
    slow_tier: int = seed.SLOW_TIER
    business_drop_tier: int = seed.BUSINESS_DROP_TIER
    retention: Retention = Field(default_factory=Retention)
    maintenance: list[MaintenanceWindow] = Field(default_factory=list)

    @field_validator("tls_warn_days")
    @classmethod
    def _descending(cls, days: list[int]) -> list[int]:
        return sorted(set(days), reverse=True)


def unique_monitor_names(monitors: list[MonitorConfig]) -> list[MonitorConfig]:
    """The monitors, or a ValueError naming the names used twice."""
    names = [m.name.casefold() for m in monitors]
    twice = sorted({m.name for m in monitors if names.count(m.name.casefold()) > 1})
    if twice:
        raise ValueError(f"monitor names must be unique: {', '.join(twice)}")
    return monitors
