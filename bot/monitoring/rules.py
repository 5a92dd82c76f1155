"""The rules: what one observation of a monitor says about each of its alerts.

A rule reads an observation and says whether it is bad (over the threshold), whether it is
enough to open an alert (`trips`: for "down", N failed checks in a row), or that it says nothing
(None: the probe could not run, or the rule is inhibited). How long a breach must hold, when to
remind and when it has recovered is the alerts' business (bot/monitoring/alerts.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from bot.config import MonitorConfig, MonitoringSettings
from bot.config.monitors import BUSINESS_MEASURES, SEED_ABOVE, Measure
from bot.monitoring.observation import Observation
from bot.store import SampleState


class Rule(StrEnum):
    """One kind of alert a monitor can raise (at most one open per monitor and rule)."""

    DOWN = "down"
    SLOW = "slow"
    VERY_SLOW = "very_slow"
    ERROR_RATE = "error_rate"
    THRESHOLD = "threshold"
    CPU = "cpu"
    MEMORY = "memory"
    DISK = "disk"
    TLS = "tls"
    DROP = "drop"


# A site that is down is also slow and failing: only "down" is worth saying.
INHIBITED_BY_DOWN = frozenset({Rule.SLOW, Rule.VERY_SLOW, Rule.ERROR_RATE})
# Counted in checks (down), crossed once (a certificate's days, a daily figure): no for-duration.
NO_WAIT = frozenset({Rule.DOWN, Rule.TLS, Rule.DROP})
# Said once per threshold crossed (21, 14, 7 days), never reminded.
NO_REMINDERS = frozenset({Rule.TLS})
# Kinds whose failing check means the thing watched is not there.
AVAILABILITY_KINDS = frozenset({"http", "tls", "database"})


@dataclass(frozen=True)
class Reading:
    """What one observation says about one rule."""

    rule: Rule
    bad: bool | None
    trips: bool = False
    value: float | None = None
    detail: str = ""
    # A graded rule (TLS: the warning threshold crossed) re-announces when its stage worsens.
    stage: float | None = None


@dataclass(frozen=True)
class Limits:
    """A monitor's effective thresholds: its own overrides, else `monitoring:`'s (the seed's)."""

    down_after: int
    slow_after: timedelta
    slow_incident_after: timedelta
    error_rate_above: float
    cpu_above: float
    memory_above: float
    disk_free_below: float
    above: float | None
    below: float | None
    drop_above: float
    for_: timedelta
    recover_after: int
    remind_every: timedelta
    tls_warn_days: tuple[int, ...]
    incident: bool

    @classmethod
    def of(cls, monitor: MonitorConfig, settings: MonitoringSettings) -> Limits:
        def pick(name: str) -> object:
            own = getattr(monitor, name)
            return getattr(settings, name) if own is None else own

        check = monitor.check.root
        above = monitor.above if monitor.above is not None else getattr(check, "above", None)
        if above is None and monitor.measures in SEED_ABOVE:
            above = SEED_ABOVE[monitor.measures]
        below = monitor.below if monitor.below is not None else getattr(check, "below", None)
        return cls(
            down_after=int(pick("down_after")),  # type: ignore[call-overload]
            slow_after=pick("slow_after"),  # type: ignore[arg-type]
            slow_incident_after=pick("slow_incident_after"),  # type: ignore[arg-type]
            error_rate_above=float(pick("error_rate_above")),  # type: ignore[arg-type]
            cpu_above=float(pick("cpu_above")),  # type: ignore[arg-type]
            memory_above=float(pick("memory_above")),  # type: ignore[arg-type]
            disk_free_below=float(pick("disk_free_below")),  # type: ignore[arg-type]
            above=above,
            below=below,
            drop_above=float(pick("drop_above")),  # type: ignore[arg-type]
            for_=pick("for_"),  # type: ignore[arg-type]
            recover_after=int(pick("recover_after")),  # type: ignore[call-overload]
            remind_every=pick("remind_every"),  # type: ignore[arg-type]
            tls_warn_days=tuple(settings.tls_warn_days),
            incident=monitor.incident,
        )

    def wait(self, rule: Rule) -> timedelta:
        """How long a breach must hold before the alert fires."""
        return timedelta() if rule in NO_WAIT else self.for_


def incident_tier(rule: Rule, limits: Limits, settings: MonitoringSettings) -> int | None:
    """The tier of the incident a firing alert of this rule declares; None: alert only."""
    if not limits.incident:
        return None
    return {
        Rule.DOWN: settings.down_tier,
        Rule.VERY_SLOW: settings.slow_tier,
        Rule.DROP: settings.business_drop_tier,
    }.get(rule)


def observed_state(kind: str, status: str, values: dict[str, float]) -> SampleState:
    """A check's status as a sample state: a probe that could not run is unknown, never down.

    A number over its threshold (metric, sql, host) is degraded: the thing answered."""
    if status == "ok":
        return SampleState.UP
    if status == "warn":
        return SampleState.DEGRADED
    if status == "fail":
        measured = kind not in AVAILABILITY_KINDS and ("value" in values or kind == "host")
        return SampleState.DEGRADED if measured else SampleState.DOWN
    return SampleState.UNKNOWN


def read(
    obs: Observation,
    monitor: MonitorConfig,
    limits: Limits,
    *,
    failed_in_row: int,
    down_firing: bool,
    last_week: float | None = None,
) -> list[Reading]:
    """What this observation says about each rule that applies to the monitor."""
    kind = monitor.check.kind
    if obs.state is SampleState.UNKNOWN:
        return []
    readings: list[Reading] = []
    if kind in AVAILABILITY_KINDS:
        down = obs.state is SampleState.DOWN
        readings.append(
            Reading(
                Rule.DOWN,
                down,
                trips=failed_in_row >= limits.down_after,
                detail=_failed(failed_in_row),
            )
        )
    inhibited = down_firing or obs.state is SampleState.DOWN
    values = obs.result.values
    if kind == "http" and not inhibited and "response_ms" in values:
        ms = values["response_ms"]
        very = _over(Rule.VERY_SLOW, ms, limits.slow_incident_after.total_seconds() * 1000, " ms")
        slow = _over(Rule.SLOW, ms, limits.slow_after.total_seconds() * 1000, " ms")
        # Very slow says it all: "slow" neither opens nor reminds beside it.
        readings += [very, replace(slow, bad=None) if very.bad else slow]
    if kind == "host":
        for rule, name, percent in (
            (Rule.CPU, "cpu", limits.cpu_above),
            (Rule.MEMORY, "memory", limits.memory_above),
        ):
            if name in values:
                readings.append(_over(rule, values[name], percent, unit=" %"))
        if "disk_free" in values:
            readings.append(
                _under(Rule.DISK, values["disk_free"], limits.disk_free_below, unit=" % free")
            )
    if kind == "tls" and "days_left" in values:
        readings.append(_tls(values["days_left"], limits.tls_warn_days))
    value = obs.value
    if kind in {"metric", "sql"} and value is not None:
        readings += _measured(monitor.measures, value, limits, inhibited, last_week)
    return readings


def _measured(
    measure: Measure, value: float, limits: Limits, inhibited: bool, last_week: float | None
) -> list[Reading]:
    if measure is Measure.ERROR_RATE:
        return (
            [] if inhibited else [_over(Rule.ERROR_RATE, value, limits.error_rate_above, unit=" %")]
        )
    readings = []
    if measure in BUSINESS_MEASURES and last_week is not None and last_week > 0:
        floor = last_week * (1 - limits.drop_above / 100)
        drop = (1 - value / last_week) * 100
        detail = f"{value:g}, {drop:.0f} % below last week's {last_week:g}"
        bad = value < floor
        readings.append(Reading(Rule.DROP, bad, trips=bad, value=value, detail=detail))
    high = limits.above is not None and value > limits.above
    if high and limits.above is not None:
        readings.append(_over(Rule.THRESHOLD, value, limits.above))
    elif limits.below is not None:
        readings.append(_under(Rule.THRESHOLD, value, limits.below))
    elif limits.above is not None:
        readings.append(_over(Rule.THRESHOLD, value, limits.above))
    return readings


def _over(rule: Rule, value: float, limit: float, unit: str = "") -> Reading:
    bad = value > limit
    return Reading(
        rule, bad, trips=bad, value=value, detail=f"{value:g}{unit} (over {limit:g}{unit})"
    )


def _under(rule: Rule, value: float, limit: float, *, unit: str = "") -> Reading:
    bad = value < limit
    return Reading(
        rule, bad, trips=bad, value=value, detail=f"{value:g}{unit} (under {limit:g}{unit})"
    )


def _tls(days_left: float, warn_days: tuple[int, ...]) -> Reading:
    crossed = [d for d in warn_days if days_left <= d]
    stage = float(min(crossed)) if crossed else None
    detail = f"certificate expires in {math.floor(days_left)} days"
    return Reading(
        Rule.TLS, bool(crossed), trips=bool(crossed), value=days_left, detail=detail, stage=stage
    )


def _failed(count: int) -> str:
    return f"{count} failed check{'s' if count != 1 else ''} in a row"
