"""Who may act on an incident: one rule for every verb that changes it (SPEC §4, §10).

Anyone may declare. Acknowledging is for the people on call now for a level the incident pages,
the people paged for it so far (covers included) and admins; resolving, retiering, reopening and
escalating are for them and the reporter. Having acknowledged grants nothing: acknowledging
stops the pages, so if it also opened the incident up, one click by anyone would be a key to it.

"On call now" is the roster `/oncall` shows, so the two never disagree; it holds whether or not
the pages went out, so an incident whose pages wait for business hours still has its people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.errors import NotAllowed
from bot.oncall import Roster
from bot.store import Incident
from bot.timeline import ref


class Verb(StrEnum):
    """A change to an incident that the rule guards (the refusal names it)."""

    ACKNOWLEDGE = "acknowledge"
    ESCALATE = "escalate"
    TIER = "tier"
    RESOLVE = "resolve"
    REOPEN = "reopen"


@dataclass(frozen=True)
class OnCallFor:
    """Who is on call now for one level the incident pages."""

    level: int
    people: tuple[str, ...]


@dataclass(frozen=True)
class Responders:
    """Everyone who may act on one incident at one moment, grouped by why they may."""

    incident_id: int
    on_call: tuple[OnCallFor, ...]
    paged: tuple[str, ...]
    reporter: str
    admins: frozenset[str]

    def may_acknowledge(self, user: str) -> bool:
        """Admins, the people paged so far, and whoever is on call now for a level it pages."""
        return (
            user in self.admins
            or user in self.paged
            or any(user in level.people for level in self.on_call)
        )

    def may_act(self, user: str) -> bool:
        """Those who may acknowledge, and the reporter: resolve, retier, reopen, escalate."""
        return user == self.reporter or self.may_acknowledge(user)

    def require(self, user: str, verb: Verb) -> None:
        """Raise NotAllowed, naming who may, unless user may do verb."""
        allowed = self.may_acknowledge(user) if verb is Verb.ACKNOWLEDGE else self.may_act(user)
        if not allowed:
            raise NotAllowed(action=verb.value, ref=ref(self.incident_id), **self._named(verb))

    def _named(self, verb: Verb) -> dict[str, Any]:
        # Each person named once, under the first reason they have.
        seen: set[str] = set()
        on_call = []
        for level in self.on_call:
            fresh = [p for p in level.people if p not in seen]
            seen.update(fresh)
            if fresh:
                on_call.append((level.level, fresh))
        return {
            "on_call": on_call,
            "paged": [p for p in self.paged if p not in seen],
            "reporter": None if verb is Verb.ACKNOWLEDGE else self.reporter,
        }


def paged_levels(incident: Incident) -> list[int]:
    """The levels an incident's policy pages: its tier's (sent or waiting for business hours),
    its security level, and every level up to the one it has reached."""
    policy = incident.policy
    levels = set(policy.tier_paging(incident.tier).page) | set(range(1, incident.level + 1))
    security = policy.security_page(incident.category)
    if security is not None:
        levels.add(security)
    return sorted(n for n in levels if 1 <= n <= policy.max_level)


def who_may_act(incident: Incident, roster: Roster, admins: Iterable[str]) -> Responders:
    """Who may act on an incident, given the roster of now (OnCallService.roster_in)."""
    return Responders(
        incident_id=incident.id,
        on_call=tuple(OnCallFor(n, roster.paged_for(n)) for n in paged_levels(incident)),
        # A cover who was paged is here by their page; declined and FYI pages count too.
        paged=tuple(dict.fromkeys(page.user for page in incident.pages)),
        reporter=incident.reporter,
        admins=frozenset(admins),
    )
