"""The sections of the support plan: tiers, escalation levels, paging, hours, checklists."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from bot.calendar import Schedule
from bot.config import seed
from bot.config.checks import CheckSpec
from bot.config.durations import duration_text, parse_duration


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


class StrictModel(BaseModel):
    """A piece of config: a key it does not know is an error, and it never changes once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TierConfig(StrictModel):
    """One support tier: its name and its response and resolution targets."""

    name: str
    respond: Duration
    resolve: Duration | None = Field(default=None, description="None: next release cycle")
    examples: list[str] = []


class EscalationLevel(StrictModel):
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


class TierPaging(StrictModel):
    """Who a tier pages when it is declared, when DMs may go out, and how often they repeat."""

    page: list[int] = Field(default=[1], min_length=1)
    # never: nobody is paged by DM; the channel post is the notice and the reports list it.
    dm_hours: Literal["always", "business", "never"] = "always"
    notify_at_half_resolve: int | None = Field(
        default=None, description="a level told when half the resolution target has passed"
    )
    one_person: bool = Field(
        default=False,
        description="page only each level's on-call person (in weeks 1-2 too: no development "
        "team alongside level 1)",
    )
    repage_every: Duration | None = Field(
        default=None, description="how often an unanswered page is sent again; None: the level's"
    )
    tries: int | None = Field(
        default=None, ge=1, le=20, description="pages before the next level; None: the level's"
    )

    @property
    def dms(self) -> bool:
        """Whether this tier pages anyone by DM at all."""
        return self.dm_hours != "never"

    @model_serializer(mode="wrap")
    def _said(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Settings added since policy snapshots were first stored are written only when they
        # say something, so a snapshot from before them reads back the same.
        data: dict[str, Any] = handler(self)
        for key, default in (("one_person", False), ("repage_every", None), ("tries", None)):
            if data.get(key) == default:
                data.pop(key, None)
        return data


class OnCallPhases(StrictModel):
    """How long each on-call phase lasts, counted from launch_date."""

    all_hands_days: int = Field(default=14, ge=0)
    rotation_days: int = Field(default=14, ge=0)


class Paging(StrictModel):
    """The escalation policy beyond the levels themselves (SPEC §4 defaults)."""

    tiers: dict[int, TierPaging] = {n: TierPaging(**t) for n, t in seed.TIER_PAGING.items()}
    level1_unresolved_after: Duration = timedelta(hours=2)
    security_categories: list[str] = ["security"]
    security_level: int = 3
    phases: OnCallPhases = OnCallPhases()


class BusinessHours(StrictModel):
    """The team's working week, in the configured timezone."""

    days: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    start: ClockTime = time(9, 0)
    end: ClockTime = time(17, 0)

    @model_validator(mode="after")
    def _start_before_end(self) -> BusinessHours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class Channels(StrictModel):
    """Where the bot posts."""

    incidents: str = seed.CHANNELS["incidents"]
    ops: str = seed.CHANNELS["ops"]
    reports: str = seed.CHANNELS["reports"]
    alerts: str = seed.CHANNELS["alerts"]


class ClassifierRule(StrictModel):
    """Phrases that decide a tier and category for free-text incidents."""

    tier: int
    category: str = Field(min_length=1, max_length=40)
    phrases: list[str] = Field(min_length=1)


class ClassifierExample(StrictModel):
    """A report in the team's own words with the tier and category it deserves."""

    text: str = Field(min_length=1, max_length=500)
    tier: int
    category: str = Field(min_length=1, max_length=40)


class ClassifierConfig(StrictModel):
    """How free text gets a tier: the shipped examples, the team's own, and phrase rules."""

    examples: list[ClassifierExample] = []
    shipped_examples: bool = Field(default=True, description="use the examples the bot ships")
    rules: list[ClassifierRule] = Field(
        default=[], description="phrase rules tried first; a matching rule decides"
    )

    @model_validator(mode="before")
    @classmethod
    def _rules_alone(cls, data: Any) -> Any:
        # Configs written before examples existed list phrase rules directly under classifier.
        return {"rules": data} if isinstance(data, list) else data


class IncidentSettings(StrictModel):
    """How incidents behave beyond tiers."""

    dedicated_channel_tiers: list[int] = [1]
    channel_prefix: str = Field(default="inc", pattern=r"^[a-z0-9][a-z0-9_-]{0,20}$")
    ask_rating: bool = True
    default_tier: int = 3
    # A report reading like an open incident declared this recently is asked "add to it
    # instead?" before a second incident is made; None never asks.
    duplicate_window: Duration | None = timedelta(minutes=30)


def texts_as_items(items: Any) -> Any:
    """Items or steps may be written as plain text when they carry no check."""
    if isinstance(items, list):
        return [{"text": i} if isinstance(i, str) else i for i in items]
    return items


class ChecklistItem(StrictModel):
    """A checklist item; check is a live check whose result is shown beside it."""

    text: str = Field(min_length=1, max_length=300)
    check: CheckSpec | None = None


class ChecklistConfig(StrictModel):
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

    @property
    def daily(self) -> bool:
        """Whether it is posted every (business) day, not weekly or monthly."""
        return Schedule.parse(self.schedule).daily


def _schedule_or_off(value: str | None) -> str | None:
    return None if value is None else str(Schedule.parse(value))


class ReportSchedules(StrictModel):
    """When each report is posted in the reports channel; null turns one off."""

    daily: str | None = "business days 17:00"
    weekly: str | None = "fri 16:00"
    monthly: str | None = "first business day 09:00"
    quarterly: str | None = "first business day of quarter 09:00"

    @field_validator("daily", "weekly", "monthly", "quarterly")
    @classmethod
    def _schedules_parse(cls, value: str | None) -> str | None:
        return _schedule_or_off(value)


class ReportSettings(StrictModel):
    """Scheduled reports: their schedules, how late a missed one may still go out, and the
    checklist item the weekly summary ticks."""

    schedules: ReportSchedules = ReportSchedules()
    grace: Duration = timedelta(hours=6)
    channel: str = "reports"
    weekly_checklist_item: str | None = "Weekly summary report"
