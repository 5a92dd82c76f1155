"""What someone asks to declare, and the incident it makes: tier and category suggested from
the text when not given, deadlines and policy from the plan as it is now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.config import Plan, Policy
from bot.errors import BadInput
from bot.incidents.classifier import Suggestion, match_phrases
from bot.incidents.learning import report_text
from bot.incidents.titles import split_report
from bot.store import Incident, IncidentStatus
from bot.timeline import IncidentView


@dataclass(frozen=True)
class Declaration:
    """What someone asked to declare; tier/category None means suggest from the text."""

    text: str
    reporter: str
    description: str = ""
    tier: int | None = None
    category: str | None = None
    source_key: str | None = None


@dataclass(frozen=True)
class Declared:
    """The declared incident; duplicate is True when a retried request found it, alike when
    the report reads like this open incident and nothing was declared."""

    incident: IncidentView
    duplicate: bool = False
    alike: bool = False


def suggest(text: str, plan: Plan, classify: Callable[[str], Suggestion]) -> Suggestion:
    """The team's phrase rules decide when one matches; the classifier otherwise."""
    rules = plan.classifier.rules
    if rules:
        found = match_phrases(text, rules, default_tier=plan.incidents.default_tier)
        if found.phrase is not None:
            return Suggestion(found.tier, found.category, 1.0, (found.phrase,))
    return classify(text)


def new_incident(
    request: Declaration, plan: Plan, now: datetime, classify: Callable[[str], Suggestion]
) -> Incident:
    """The incident a declaration makes (not stored yet); raises BadInput for what can't be."""
    title, description = split_report(request.text, request.description)
    if not title:
        raise BadInput(reason="empty_title")
    guess = None
    if request.tier is None or request.category is None:
        guess = suggest(report_text(title, description), plan, classify)
    tier = request.tier or (guess.tier if guess else plan.incidents.default_tier)
    if tier not in plan.tiers:
        raise BadInput(reason="unknown_tier", tier=tier, tiers=list(plan.tiers))
    categories = plan.categories()
    if request.category is not None and request.category not in categories:
        # The form offers only these; anything else was not picked from it.
        raise BadInput(reason="unknown_category", categories=categories)
    policy = Policy.of(plan)
    due = policy.targets(tier, now)
    suggested = request.tier is None and guess is not None
    return Incident(
        title=title,
        description=description,
        tier=tier,
        category=request.category or (guess.category if guess else "general"),
        suggested=suggested,
        matched_phrase=guess.phrase[:200] if suggested and guess and guess.phrase else None,
        suggestion=guess.as_json() if suggested and guess else None,
        status=IncidentStatus.OPEN,
        reporter=request.reporter,
        level=1,
        created_at=now,
        updated_at=now,
        ack_due_at=due.ack_due_at,
        resolve_due_at=due.resolve_due_at,
        post_channel=plan.channels.incidents,
        policy=policy,
        source_key=request.source_key,
        pages=[],
    )
