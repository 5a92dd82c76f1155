"""The policy an incident is declared under: a snapshot of tier targets and levels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.config.plan import Plan


@dataclass(frozen=True)
class Targets:
    """When an incident must be acknowledged and resolved (None: next release cycle)."""

    ack_due_at: datetime
    resolve_due_at: datetime | None


def snapshot(plan: Plan) -> dict[str, Any]:
    """The parts of the plan an incident keeps for its lifetime (JSON-ready)."""
    return {
        "tiers": {
            str(number): {
                "name": tier.name,
                "respond_s": int(tier.respond.total_seconds()),
                "resolve_s": int(tier.resolve.total_seconds()) if tier.resolve else None,
            }
            for number, tier in plan.tiers.items()
        },
        "levels": [
            {
                "level": lvl.level,
                "name": lvl.name,
                "members": list(lvl.members),
                "repage_every_s": int(lvl.repage_every.total_seconds()),
                "tries": lvl.tries,
            }
            for lvl in plan.escalation
        ],
        "paging": {
            str(number): plan.tier_paging(number).model_dump(mode="json") for number in plan.tiers
        },
        "level1_unresolved_after_s": int(plan.paging.level1_unresolved_after.total_seconds()),
        "security_categories": list(plan.paging.security_categories),
        "security_level": plan.paging.security_level,
    }


def tier_paging(policy: dict[str, Any], tier: int) -> dict[str, Any]:
    """How a tier pages in this policy (incidents declared before paging existed: level 1)."""
    found: dict[str, Any] = policy.get("paging", {}).get(str(tier)) or {
        "page": [1],
        "dm_hours": "always",
        "notify_at_half_resolve": None,
    }
    return found


def repage_every(policy: dict[str, Any], number: int) -> timedelta:
    """How long a page at this level waits before it is sent again."""
    return timedelta(seconds=level(policy, number).get("repage_every_s", 300))


def tries(policy: dict[str, Any], number: int) -> int:
    """How many pages a level gets before the next level is paged."""
    return int(level(policy, number).get("tries", 3))


def tier_name(policy: dict[str, Any], tier: int) -> str:
    """The tier's name in this policy."""
    return str(policy["tiers"][str(tier)]["name"])


def tier_numbers(policy: dict[str, Any]) -> list[int]:
    """Every tier the policy knows, most severe first."""
    return sorted(int(n) for n in policy["tiers"])


def targets(policy: dict[str, Any], tier: int, since: datetime) -> Targets:
    """Deadlines for a tier, counted from since."""
    spec = policy["tiers"][str(tier)]
    resolve_s = spec["resolve_s"]
    return Targets(
        ack_due_at=since + timedelta(seconds=spec["respond_s"]),
        resolve_due_at=since + timedelta(seconds=resolve_s) if resolve_s else None,
    )


def level(policy: dict[str, Any], number: int) -> dict[str, Any]:
    """One escalation level of the policy."""
    levels: list[dict[str, Any]] = policy["levels"]
    return levels[number - 1]


def max_level(policy: dict[str, Any]) -> int:
    """The highest level in the policy."""
    return len(policy["levels"])


def responders(policy: dict[str, Any], up_to_level: int) -> set[str]:
    """Everyone on levels 1..up_to_level: the people paged so far."""
    return {m for lvl in policy["levels"][:up_to_level] for m in lvl["members"]}
