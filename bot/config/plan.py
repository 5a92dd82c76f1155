"""The whole support plan: its sections over the seed defaults, checked against each other."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from bot.config import seed
from bot.config.monitors import MonitorConfig, MonitoringSettings, unique_monitor_names
from bot.config.sections import (
    BusinessHours,
    Channels,
    ChecklistConfig,
    ClassifierConfig,
    Duration,
    EscalationLevel,
    IncidentSettings,
    Paging,
    ReportSettings,
    StrictModel,
    TierConfig,
    TierPaging,
)
from bot.config.seed import monitoring as monitoring_seed


class Plan(StrictModel):
    """The whole effective support plan."""

    timezone: str = "America/New_York"
    launch_date: date = date(2026, 11, 2)
    business_hours: BusinessHours = BusinessHours()
    channels: Channels = Channels()
    escalation: list[EscalationLevel] = [EscalationLevel(**lvl) for lvl in seed.ESCALATION]
    admins: list[str] = ["U0MGR1", "U0ARCH1"]
    tiers: dict[int, TierConfig] = {n: TierConfig(**t) for n, t in seed.TIERS.items()}
    classifier: ClassifierConfig = ClassifierConfig()
    incidents: IncidentSettings = IncidentSettings()
    checklists: list[ChecklistConfig] = [ChecklistConfig(**c) for c in seed.CHECKLISTS]
    checklist_grace: Duration = timedelta(hours=1)
    paging: Paging = Paging()
    reports: ReportSettings = ReportSettings()
    monitors: list[MonitorConfig] = []
    monitoring: MonitoringSettings = Field(default_factory=MonitoringSettings)
    runbooks_dir: str | None = Field(default=None, description="None: the bundled runbooks/")

    @model_validator(mode="before")
    @classmethod
    def _fit_defaults_to_tiers(cls, data: Any) -> Any:
        # A team that trims the tiers or levels should not have to rewrite the seed's paging
        # policy too (the shipped classifier examples of a missing tier are left out as it is
        # built).
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("tiers"), dict):
            known = {int(t) for t in data["tiers"] if str(t).isdigit()}
            incidents = data.get("incidents") if isinstance(data.get("incidents"), dict) else {}
            if "default_tier" not in incidents and known and 3 not in known:
                data["incidents"] = {**incidents, "default_tier": max(known)}
        else:
            known = set(seed.TIERS)
        levels = len(data["escalation"]) if isinstance(data.get("escalation"), list) else 4
        paging = dict(data["paging"]) if isinstance(data.get("paging"), dict) else {}
        if "tiers" not in paging:
            # A team that set its levels' own cadence keeps it: the seed's per-tier cadence
            # would otherwise win over it.
            own_cadence = isinstance(data.get("escalation"), list) and any(
                isinstance(lvl, dict) and ("repage_every" in lvl or "tries" in lvl)
                for lvl in data["escalation"]
            )
            paging["tiers"] = {
                tier: _fit_levels(spec, levels, keep_cadence=not own_cadence)
                for tier, spec in seed.TIER_PAGING.items()
                if tier in known
            }
        paging.setdefault("security_level", max(1, min(3, levels)))
        monitoring = dict(data["monitoring"]) if isinstance(data.get("monitoring"), dict) else {}
        for field, tier in _MONITOR_TIERS.items():
            monitoring.setdefault(field, min(tier, max(known, default=tier)))
        data["monitoring"] = monitoring
        data["paging"] = paging
        return data

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name)") from None
        return value

    @field_validator("escalation")
    @classmethod
    def _levels_in_order(cls, levels: list[EscalationLevel]) -> list[EscalationLevel]:
        numbers = [lvl.level for lvl in levels]
        if not levels or numbers != list(range(1, len(levels) + 1)):
            raise ValueError("levels must be numbered 1, 2, 3… in order")
        return levels

    @field_validator("tiers")
    @classmethod
    def _tiers_numbered(cls, tiers: dict[int, TierConfig]) -> dict[int, TierConfig]:
        if sorted(tiers) != list(range(1, len(tiers) + 1)):
            raise ValueError("tiers must be numbered 1, 2, 3… with none missing")
        return dict(sorted(tiers.items()))

    @model_validator(mode="after")
    def _references_exist(self) -> Plan:
        known = set(self.tiers)
        for i, rule in enumerate(self.classifier.rules):
            if rule.tier not in known:
                raise ValueError(f"classifier.rules.{i}.tier: no tier {rule.tier}")
        for i, example in enumerate(self.classifier.examples):
            if example.tier not in known:
                raise ValueError(f"classifier.examples.{i}.tier: no tier {example.tier}")
        for tier in self.incidents.dedicated_channel_tiers:
            if tier not in known:
                raise ValueError(f"incidents.dedicated_channel_tiers: no tier {tier}")
        if self.incidents.default_tier not in known:
            raise ValueError(f"incidents.default_tier: no tier {self.incidents.default_tier}")
        levels = set(range(1, len(self.escalation) + 1))
        for tier, paging in self.paging.tiers.items():
            if tier not in known:
                raise ValueError(f"paging.tiers.{tier}: no tier {tier}")
            for number in [*paging.page, paging.notify_at_half_resolve]:
                if number is not None and number not in levels:
                    raise ValueError(f"paging.tiers.{tier}: no escalation level {number}")
        for field in ("down_tier", "slow_tier", "business_drop_tier"):
            if getattr(self.monitoring, field) not in known:
                raise ValueError(f"monitoring.{field}: no tier {getattr(self.monitoring, field)}")
        for i, window in enumerate(self.monitoring.maintenance):
            unknown = set(window.monitors) - {m.name for m in self.monitors}
            if unknown:
                raise ValueError(
                    f"monitoring.maintenance.{i}.monitors: no monitor {', '.join(sorted(unknown))}"
                )
        if self.paging.security_level not in levels:
            raise ValueError(
                f"paging.security_level: no escalation level {self.paging.security_level}"
            )
        return self

    _monitor_names = field_validator("monitors")(unique_monitor_names)

    @field_validator("checklists")
    @classmethod
    def _unique_names(cls, checklists: list[ChecklistConfig]) -> list[ChecklistConfig]:
        names = [c.name for c in checklists]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"checklist names must be unique: {', '.join(duplicates)}")
        return checklists

    def channel_id(self, purpose_or_id: str) -> str:
        """A channel purpose (ops, incidents, …) or a raw channel id, as an id."""
        return str(self.channels.model_dump().get(purpose_or_id, purpose_or_id))

    def monitor(self, name: str) -> MonitorConfig | None:
        """A monitor by name (any case)."""
        return next((m for m in self.monitors if m.name.casefold() == name.casefold()), None)

    def checklist(self, name: str) -> ChecklistConfig | None:
        """A checklist by name."""
        return next((c for c in self.checklists if c.name == name), None)

    @property
    def zone(self) -> ZoneInfo:
        """The configured timezone."""
        return ZoneInfo(self.timezone)

    @property
    def max_level(self) -> int:
        """The highest escalation level."""
        return len(self.escalation)

    def level(self, number: int) -> EscalationLevel:
        """Escalation level by number."""
        return self.escalation[number - 1]

    def tier_paging(self, tier: int) -> TierPaging:
        """How a tier pages (a tier without its own entry pages level 1)."""
        return self.paging.tiers.get(tier) or TierPaging()

    def categories(self) -> list[str]:
        """Every category the classifier knows: the seed's, the team's own, and general."""
        seen = dict.fromkeys(
            [
                *(c for tier in sorted(seed.CATEGORIES) for c in seed.CATEGORIES[tier]),
                *(rule.category for rule in self.classifier.rules),
                *(example.category for example in self.classifier.examples),
            ]
        )
        seen.setdefault("general")
        return list(seen)


_MONITOR_TIERS = {
    "down_tier": monitoring_seed.DOWN_TIER,
    "slow_tier": monitoring_seed.SLOW_TIER,
    "business_drop_tier": monitoring_seed.BUSINESS_DROP_TIER,
}


def _fit_levels(spec: dict[str, Any], levels: int, *, keep_cadence: bool) -> dict[str, Any]:
    """A seed tier policy limited to the levels a plan has (and to the levels' own cadence)."""
    fitted = dict(spec, page=[n for n in spec["page"] if n <= levels] or [1])
    if not keep_cadence:
        fitted.pop("repage_every", None)
        fitted.pop("tries", None)
    if (fitted.get("notify_at_half_resolve") or 0) > levels:
        fitted["notify_at_half_resolve"] = None
    return fitted
