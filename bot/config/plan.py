"""The support plan as validated config: YAML file over the seed defaults."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.calendar import Schedule
from bot.config import seed
from bot.config.checks import CheckSpec
from bot.config.durations import duration_text, parse_duration
from bot.errors import ConfigError


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


def _clock_time(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 17:30 as the sexagesimal number 1050.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(duration_text, return_type=str),
]
ClockTime = Annotated[
    time,
    BeforeValidator(_clock_time),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TierConfig(_Strict):
    """One support tier: its name and its response and resolution targets."""

    name: str
    respond: Duration
    resolve: Duration | None = Field(default=None, description="None: next release cycle")
    examples: list[str] = []


class EscalationLevel(_Strict):
    """One escalation level, who is on it, and how long its pages wait for an answer."""

    level: int = Field(ge=1, le=9)
    name: str
    members: list[str] = []
    repage_every: Duration = timedelta(minutes=5)
    tries: int = Field(default=3, ge=1, le=20, description="pages before the next level")

    @property
    def timeout(self) -> timedelta:
        """How long this level has to acknowledge before the next level is paged."""
        return self.repage_every * self.tries


class TierPaging(_Strict):
    """Who a tier pages when it is declared, and when DMs may go out."""

    page: list[int] = Field(default=[1], min_length=1)
    dm_hours: Literal["always", "business"] = "always"
    notify_at_half_resolve: int | None = Field(
        default=None, description="a level told when half the resolution target has passed"
    )


class OnCallPhases(_Strict):
    """How long each on-call phase lasts, counted from launch_date."""

    all_hands_days: int = Field(default=14, ge=0)
    rotation_days: int = Field(default=14, ge=0)


class Paging(_Strict):
    """The escalation policy beyond the levels themselves (SPEC §4 defaults)."""

    tiers: dict[int, TierPaging] = {n: TierPaging(**t) for n, t in seed.TIER_PAGING.items()}
    level1_unresolved_after: Duration = timedelta(hours=2)
    security_categories: list[str] = ["security"]
    security_level: int = 3
    phases: OnCallPhases = OnCallPhases()


class BusinessHours(_Strict):
    """The team's working week, in the configured timezone."""

    days: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    start: ClockTime = time(9, 0)
    end: ClockTime = time(17, 0)

    @model_validator(mode="after")
    def _start_before_end(self) -> BusinessHours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class Channels(_Strict):
    """Where the bot posts."""

    incidents: str = seed.CHANNELS["incidents"]
    ops: str = seed.CHANNELS["ops"]
    reports: str = seed.CHANNELS["reports"]
    alerts: str = seed.CHANNELS["alerts"]


class ClassifierRule(_Strict):
    """Phrases that suggest a tier and category for free-text incidents."""

    tier: int
    category: str = Field(min_length=1, max_length=40)
    phrases: list[str] = Field(min_length=1)


class IncidentSettings(_Strict):
    """How incidents behave beyond tiers."""

    dedicated_channel_tiers: list[int] = [1]
    channel_prefix: str = Field(default="inc", pattern=r"^[a-z0-9][a-z0-9_-]{0,20}$")
    ask_rating: bool = True
    default_tier: int = 3


def texts_as_items(items: Any) -> Any:
    """Items or steps may be written as plain text when they carry no check."""
    if isinstance(items, list):
        return [{"text": i} if isinstance(i, str) else i for i in items]
    return items


class ChecklistItem(_Strict):
    """A checklist item; check is a live check whose result is shown beside it."""

    text: str = Field(min_length=1, max_length=300)
    check: CheckSpec | None = None


class ChecklistConfig(_Strict):
    """A recurring checklist: when it is posted, where, and its items."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    title: str = Field(min_length=1, max_length=120)
    schedule: str
    channel: str = "ops"
    items: list[ChecklistItem] = Field(min_length=1, max_length=40)
    report_unticked: bool = False

    @field_validator("schedule")
    @classmethod
    def _schedule_parses(cls, value: str) -> str:
        return str(Schedule.parse(value))

    @field_validator("items", mode="before")
    @classmethod
    def _plain_items(cls, items: Any) -> Any:
        return texts_as_items(items)

    @property
    def texts(self) -> list[str]:
        """The items' text, in order."""
        return [item.text for item in self.items]


class Plan(_Strict):
    """The whole effective support plan."""

    timezone: str = "America/New_York"
    launch_date: date = date(2026, 11, 2)
    business_hours: BusinessHours = BusinessHours()
    channels: Channels = Channels()
    escalation: list[EscalationLevel] = [EscalationLevel(**lvl) for lvl in seed.ESCALATION]
    admins: list[str] = ["U0MGR1", "U0ARCH1"]
    tiers: dict[int, TierConfig] = {n: TierConfig(**t) for n, t in seed.TIERS.items()}
    classifier: list[ClassifierRule] = [ClassifierRule(**r) for r in seed.CLASSIFIER_RULES]
    incidents: IncidentSettings = IncidentSettings()
    checklists: list[ChecklistConfig] = [ChecklistConfig(**c) for c in seed.CHECKLISTS]
    checklist_grace: Duration = timedelta(hours=1)
    paging: Paging = Paging()
    runbooks_dir: str | None = Field(default=None, description="None: the bundled runbooks/")

    @model_validator(mode="before")
    @classmethod
    def _fit_defaults_to_tiers(cls, data: Any) -> Any:
        # A team that trims the tiers or levels should not have to rewrite the seed's
        # classifier and paging policy too.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("tiers"), dict):
            known = {int(t) for t in data["tiers"] if str(t).isdigit()}
            if "classifier" not in data:
                data["classifier"] = [r for r in seed.CLASSIFIER_RULES if r["tier"] in known]
            incidents = data.get("incidents") if isinstance(data.get("incidents"), dict) else {}
            if "default_tier" not in incidents and known and 3 not in known:
                data["incidents"] = {**incidents, "default_tier": max(known)}
        else:
            known = set(seed.TIERS)
        levels = len(data["escalation"]) if isinstance(data.get("escalation"), list) else 4
        paging = dict(data["paging"]) if isinstance(data.get("paging"), dict) else {}
        if "tiers" not in paging:
            paging["tiers"] = {
                tier: _fit_levels(spec, levels)
                for tier, spec in seed.TIER_PAGING.items()
                if tier in known
            }
        paging.setdefault("security_level", max(1, min(3, levels)))
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
        for i, rule in enumerate(self.classifier):
            if rule.tier not in known:
                raise ValueError(f"classifier.{i}.tier: no tier {rule.tier}")
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
        if self.paging.security_level not in levels:
            raise ValueError(
                f"paging.security_level: no escalation level {self.paging.security_level}"
            )
        return self

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
        """Every category the classifier knows, in rule order, plus general."""
        seen = dict.fromkeys(rule.category for rule in self.classifier)
        seen.setdefault("general")
        return list(seen)


def _fit_levels(spec: dict[str, Any], levels: int) -> dict[str, Any]:
    """A seed tier policy limited to the levels a plan has."""
    fitted = dict(spec, page=[n for n in spec["page"] if n <= levels] or [1])
    if (fitted.get("notify_at_half_resolve") or 0) > levels:
        fitted["notify_at_half_resolve"] = None
    return fitted


def load_plan(path: Path | None) -> Plan:
    """Read and validate the plan; None means the seed defaults."""
    if path is None:
        return Plan()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys")
    try:
        return Plan.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None


def _describe(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {exc.error_count()} problem(s) in the config"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)


def default_config_path(env_value: str | None) -> Path | None:
    """SUPPORTBOT_CONFIG, else ./supportbot.yml when present, else None (seed)."""
    if env_value:
        return Path(env_value)
    local = Path("supportbot.yml")
    return local if local.exists() else None


def plan_as_yaml(plan: Plan) -> str:
    """The effective plan in the same shape as the config file."""
    data = plan.model_dump(mode="json")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


__all__ = ["WEEKDAYS", "Plan", "load_plan", "plan_as_yaml", "default_config_path"]
