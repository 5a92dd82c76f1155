"""Whether a new report reads like an incident already open, and the report carried on the
buttons that answer "add to it instead?"."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from bot.errors import BadInput
from bot.incidents.declaration import Declaration
from bot.incidents.titles import ascii_fold

# Words that say nothing about which problem it is.
FILLER = frozenset(
    "a an and are at be but by for from has have in is it its not of on or our so the their "
    "there this to was we were with".split()
)
# Shares this much of the shorter title's words: "checkout down" and "checkout is down for
# everyone" are one problem; "checkout broken" and "search broken" are two.
SHARED_WORDS = 0.8
# Spelled this much alike: "paymnet gateway failing" is "payment gateway failing".
SPELLED_ALIKE = 0.9
# Slack's limit on a button's value, which carries the report to the choice made.
BUTTON_VALUE_LIMIT = 2000


def words(title: str) -> tuple[str, ...]:
    """The title's words that tell problems apart, lowercase and without accents."""
    return _read(title).words


@dataclass(frozen=True)
class _Title:
    words: tuple[str, ...]
    distinct: frozenset[str]
    numbered: frozenset[str]  # the words with a digit: a number or an id


@lru_cache(maxsize=4096)
def _read(title: str) -> _Title:
    # Kept per title: each declaration compares its title with every open incident's, and
    # reading a title again cost more than the comparison.
    found = tuple(w for w in re.findall(r"[a-z0-9]+", ascii_fold(title)) if w not in FILLER)
    numbered = frozenset(w for w in found if any(c.isdigit() for c in w))
    return _Title(found, frozenset(found), numbered)


def alike(title: str, other: str) -> bool:
    """Whether two titles read as the same problem."""
    mine, theirs = _read(title), _read(other)
    if not mine.words or not theirs.words:
        return False
    if mine.words == theirs.words:
        return True
    # Naming different numbers or ids, they are different problems however alike the rest:
    # "server 3 down" is not "server 4 down", nor "order A17 stuck" "order A18 stuck".
    if mine.numbered and theirs.numbered and mine.numbered != theirs.numbered:
        return False
    shorter = min(len(mine.distinct), len(theirs.distinct))
    if shorter >= 2 and len(mine.distinct & theirs.distinct) / shorter >= SHARED_WORDS:
        return True
    spelled = SequenceMatcher(None, " ".join(mine.words), " ".join(theirs.words)).ratio()
    return spelled >= SPELLED_ALIKE


def carry(request: Declaration, incident_id: int) -> str | None:
    """The report and the incident it looks like, as a button's value; None when the report is
    too long for one (it is then declared without asking)."""
    value = json.dumps(
        {
            "incident": incident_id,
            "text": request.text,
            "description": request.description,
            "tier": request.tier,
            "category": request.category,
            "source_key": request.source_key,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return value if len(value) <= BUTTON_VALUE_LIMIT else None


def carried(value: str, reporter: str) -> tuple[int, Declaration]:
    """The incident and report a button carries (see carry)."""
    try:
        data = json.loads(value)
        return int(data["incident"]), Declaration(
            text=str(data["text"]),
            description=str(data.get("description") or ""),
            reporter=reporter,
            tier=data.get("tier"),
            category=data.get("category"),
            source_key=data.get("source_key"),
        )
    except (ValueError, KeyError, TypeError):
        raise BadInput(reason="bad_id", given=value[:30]) from None
