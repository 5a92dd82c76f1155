"""The policy an incident is declared under: a snapshot of tier targets, levels and paging.

Stored as JSON with the incident, so later config edits don't apply to it. The JSON keys are
the ones stored since the first release (durations in seconds, "_s"); snapshots taken before a
setting existed load with that setting off, or with the config's own default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from bot.config.plan import Plan
from bot.config.sections import EscalationLevel, TierPaging

Seconds = Annotated[timedelta, PlainSerializer(lambda d: int(d.total_seconds()), return_type=int)]


def _config_default(model: type[BaseModel], field: str) -> Any:
    return model.model_fields[field].default


def _stored_as(key: str, **field: Any) -> Any:
    # Not `alias`: type checkers would then take the stored key as the constructor's name too.
    return Field(validation_alias=key, serialization_alias=key, **field)


class _Snapshot(BaseModel):
    # Unknown keys are ignored: a snapshot must load whatever a later version added.
    model_config = ConfigDict(frozen=True, validate_by_name=True, serialize_by_alias=True)


@dataclass(frozen=True)
class Targets:
    """When an incident must be acknowledged and resolved (None: next release cycle)."""

    ack_due_at: datetime
    resolve_due_at: datetime | None


class PolicyTier(_Snapshot):
    """A tier's name and targets."""

    name: str
    respond: Seconds = _stored_as("respond_s")
    resolve: Seconds | None = _stored_as("resolve_s", description="None: next release cycle")


class PolicyLevel(_Snapshot):
    """One escalation level: who is on it and how its pages are repeated."""

    level: int
    name: str
    members: tuple[str, ...] = ()
    # Snapshots from before re-pages existed: the config's defaults.
    repage_every: Seconds = _stored_as(
        "repage_every_s", default=_config_default(EscalationLevel, "repage_every")
    )
    tries: int = _config_default(EscalationLevel, "tries")

    @property
    def timeout(self) -> timedelta:
        """How long this level has to acknowledge before the next level is paged."""
        return self.repage_every * self.tries


class Policy(_Snapshot):
    """Tier targets, escalation levels and paging rules as they were at declaration."""

    tiers: dict[int, PolicyTier]
    levels: tuple[PolicyLevel, ...] = Field(min_length=1)
    # Absent from snapshots taken before per-tier paging: see tier_paging.
    paging: dict[int, TierPaging] = {}
    # Absent (off) in snapshots taken before these rules existed.
    level1_unresolved_after: Seconds | None = _stored_as("level1_unresolved_after_s", default=None)
    security_categories: tuple[str, ...] = ()
    security_level: int | None = Field(default=None, description="None: the top level")

    @classmethod
    def of(cls, plan: Plan) -> Policy:
        """The parts of the plan an incident keeps for its lifetime."""
        return cls(
            tiers={
                number: PolicyTier(name=tier.name, respond=tier.respond, resolve=tier.resolve)
                for number, tier in plan.tiers.items()
            },
            levels=tuple(
                PolicyLevel(
                    level=lvl.level,
                    name=lvl.name,
                    members=tuple(lvl.members),
                    repage_every=lvl.repage_every,
                    tries=lvl.tries,
                )
                for lvl in plan.escalation
            ),
            paging={number: plan.tier_paging(number) for number in plan.tiers},
            level1_unresolved_after=plan.paging.level1_unresolved_after,
            security_categories=tuple(plan.paging.security_categories),
            security_level=plan.paging.security_level,
        )

    def to_json(self) -> dict[str, Any]:
        """The snapshot as stored."""
        return self.model_dump(mode="json")

    def tier_paging(self, tier: int) -> TierPaging:
        """How a tier pages (incidents declared before paging existed: level 1, any hour)."""
        return self.paging.get(tier) or TierPaging()

    def cadence(self, tier: int, level: int) -> tuple[timedelta, int]:
        """How often a tier's unanswered page at a level is sent again, and how many tries the
        level gets: the tier's own, else the level's."""
        spec, own = self.tier_paging(tier), self.level(level)
        return spec.repage_every or own.repage_every, spec.tries or own.tries

    def timeout(self, tier: int, level: int) -> timedelta:
        """How long a level has to acknowledge a tier's page before the next level is paged."""
        every, tries = self.cadence(tier, level)
        return every * tries

    def tier_name(self, tier: int) -> str:
        """The tier's name in this policy."""
        return self.tiers[tier].name

    @property
    def tier_numbers(self) -> list[int]:
        """Every tier the policy knows, most severe first."""
        return sorted(self.tiers)

    def targets(self, tier: int, since: datetime) -> Targets:
        """Deadlines for a tier, counted from since."""
        spec = self.tiers[tier]
        return Targets(
            ack_due_at=since + spec.respond,
            resolve_due_at=since + spec.resolve if spec.resolve else None,
        )

    def level(self, number: int) -> PolicyLevel:
        """One escalation level of the policy."""
        return self.levels[number - 1]

    @property
    def max_level(self) -> int:
        """The highest level in the policy."""
        return len(self.levels)

    def responders(self, up_to_level: int) -> set[str]:
        """Everyone on levels 1..up_to_level: the people paged so far."""
        return {m for lvl in self.levels[:up_to_level] for m in lvl.members}

    def security_page(self, category: str) -> int | None:
        """The level paged at once for an incident of this category, if any."""
        if category not in self.security_categories:
            return None
        return self.security_level or self.max_level
