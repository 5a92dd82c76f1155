"""The /report grammar: `daily|weekly|monthly|quarterly [last] [--post]` (no Slack, no database)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import BadInput
from bot.store import ReportKind

ALIASES = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly"}


@dataclass(frozen=True)
class ReportRequest:
    """Which report, for the period so far or the last complete one, and whether to post it."""

    kind: ReportKind
    last: bool = False
    post: bool = False


def parse(text: str) -> ReportRequest:
    """Read /report's text; anything else is answered with the usage."""
    words = [w.lower() for w in text.split()]
    kinds = [ALIASES.get(w, w) for w in words if ALIASES.get(w, w) in set(ReportKind)]
    unknown = [w for w in words if ALIASES.get(w, w) not in set(ReportKind)]
    unknown = [w for w in unknown if w not in ("last", "--post", "post")]
    if len(kinds) != 1 or unknown:
        raise BadInput(reason="report_usage", given=" ".join(unknown or words))
    return ReportRequest(ReportKind(kinds[0]), last="last" in words, post="--post" in words)
