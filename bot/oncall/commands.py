"""The /oncall grammar: text in, a typed command out (no Slack, no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Slack escapes a mention as <@U123|name> when the command asks for escaping.
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_BARE_ID = re.compile(r"^([UW][A-Z0-9]{2,})$")
_LEVEL = re.compile(r"^(?:l|level)?(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class OnCallCommand:
    """A parsed /oncall: now, schedule, cover or help (with the problem help explains)."""

    name: str
    user: str = ""
    level: int = 0
    until: str = ""
    problem: str | None = None
    given: str = ""


def parse(text: str) -> OnCallCommand:
    """Read /oncall's text."""
    words = text.split()
    if not words:
        return OnCallCommand("now")
    first = words[0].lower()
    if first in ("now", "who") and len(words) == 1:
        return OnCallCommand("now")
    if first in ("schedule", "week", "next") and len(words) == 1:
        return OnCallCommand("schedule")
    if first == "help":
        return OnCallCommand("help")
    if first == "cover":
        return _cover(words[1:])
    return OnCallCommand("help", problem="unknown_subcommand", given=words[0][:30])


def _cover(words: list[str]) -> OnCallCommand:
    user, level, rest = "", 0, []
    for word in words:
        mention = _MENTION.match(word) or _BARE_ID.match(word)
        number = _LEVEL.match(word)
        if word.lower() in ("level", "lvl") and not level:
            continue  # "level 2" reads as "2"
        if mention and not user:
            user = mention.group(1)
        elif number and not level:
            level = int(number.group(1))
        else:
            rest.append(word)
    if not user:
        return OnCallCommand("help", problem="needs_user")
    if not level:
        return OnCallCommand("help", problem="needs_level")
    return OnCallCommand("cover", user=user, level=level, until=" ".join(rest))
