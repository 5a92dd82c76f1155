"""The /incident grammar: text in, a typed command out (no Slack, no database)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

ID = re.compile(r"^(?:inc-?|#)?(\d{1,9})$", re.IGNORECASE)
# A mistyped id (INC-4x, #4x, 99999999999) rather than the first word of a title (2fa, inc.).
ID_LIKE = re.compile(r"^(?:inc-|#|inc\d|\d+$)", re.IGNORECASE)
WITH_ID = {"show", "ack", "escalate", "tier", "update", "resolve", "reopen"}
SUBCOMMANDS = WITH_ID | {"list", "help"}
ALIASES = {"acknowledge": "ack", "close": "resolve", "status": "show", "ls": "list"}


@dataclass(frozen=True)
class Command:
    """A parsed /incident: name is a subcommand, "declare", "form" or "help"."""

    name: str
    incident_id: int | None = None
    text: str = ""
    tier: int | None = None
    problem: str | None = None  # a code help.j2 explains
    given: str = ""
    # A declaration whose text began with this subcommand: the reply says how to run it.
    meant: str | None = None


def parse_id(word: str) -> int | None:
    """42, INC-42, inc42 or #42 → 42."""
    match = ID.match(word.strip())
    return int(match.group(1)) if match else None


def parse(text: str) -> Command:
    """Read /incident's text; unknown-looking subcommands get help, not an incident, and a
    subcommand word followed by no incident id starts a declaration."""
    text = text.strip()
    if not text:
        return Command("form")
    first, _, rest = text.partition(" ")
    word = ALIASES.get(first.lower(), first.lower())
    rest = rest.strip()
    if word in ("help", "list") and not rest:
        return Command(word)
    if word in WITH_ID:
        return _with_id(word, rest, text)
    if _looks_like_subcommand(word, rest):
        return Command("help", problem="unknown_subcommand", given=first[:30])
    return Command("declare", text=text)


def _with_id(word: str, rest: str, text: str) -> Command:
    given, _, tail = rest.partition(" ")
    if not given:
        return Command("help", problem="needs_id", given=word)
    incident_id = parse_id(given)
    if incident_id is None and ID_LIKE.match(given):
        return Command("help", problem="bad_id", given=given[:30])
    if incident_id is None:
        # "show page crashes on safari" is a report that starts with a command word, not a
        # mistyped id: declared whole, never dropped.
        return Command("declare", text=text, meant=word)
    tail = tail.strip()
    if word == "tier":
        if not re.fullmatch(r"\d{1,3}", tail):
            return Command("help", problem="needs_tier", given=tail[:30])
        return Command(word, incident_id, tier=int(tail))
    if word == "update" and not tail:
        return Command("help", problem="needs_text", given=word)
    return Command(word, incident_id, text=tail)


def _looks_like_subcommand(word: str, rest: str) -> bool:
    # "close 42" or "lsit" are mistyped commands, not incidents worth paging anyone for.
    if rest and parse_id(rest.split(maxsplit=1)[0]) is not None and len(rest.split()) == 1:
        return True
    return not rest and bool(difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.75))
