"""Which firing alert wants an incident: down (Tier 1), sustained slowness (Tier 2) and a
business metric's drop (Tier 3, in business hours only), unless the monitor says `incident:
false`. Asked after every check, so an incident a crash kept from being declared is declared
at the monitor's next check (the declaration's source key makes it once)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import MonitoringSettings
from bot.monitoring.rules import Limits, Rule, incident_tier
from bot.store import Alert, AlertState

TITLES = {
    Rule.DOWN: ("{} is down", "outage"),
    Rule.VERY_SLOW: ("{} is very slow", "performance"),
    Rule.DROP: ("{}: a drop against last week", "orders"),
}


@dataclass(frozen=True)
class Wanted:
    """An incident to declare for an alert."""

    alert_id: int
    title: str
    category: str
    description: str
    tier: int

    @property
    def source_key(self) -> str:
        return f"alert:{self.alert_id}"


def wanted_incident(
    open_now: dict[Rule, Alert],
    monitor: str,
    limits: Limits,
    settings: MonitoringSettings,
    *,
    business_hours: bool,
) -> Wanted | None:
    """The monitor's firing alert that should have an incident and has none yet."""
    for rule, (title, category) in TITLES.items():
        tier = incident_tier(rule, limits, settings)
        if tier is None or (rule is Rule.DROP and not business_hours):
            continue
        alert = open_now.get(rule)
        if alert is not None and alert.state is AlertState.FIRING and alert.incident_id is None:
            return Wanted(alert.id, title.format(monitor), category, alert.summary, tier)
    return None
