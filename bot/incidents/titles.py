"""A report's title and details, split the same way whichever way it was typed: the slash
command's free text or the declare form's title and details fields."""

from __future__ import annotations

import re
import unicodedata

# The declare form's cap on its title field (the form is rendered with it): a title typed after
# /incident is held to the same length.
TITLE_LIMIT = 140
# A sentence ending at least this far in is a title of its own; one ending sooner says too little.
SHORTEST_SENTENCE = 20
_SENTENCE_END = re.compile(r"[.!?](?=\s)")
CONTINUED = "…"


def split_report(text: str, details: str = "") -> tuple[str, str]:
    """(title, details): the title is the first line, cut to TITLE_LIMIT at the end of a
    sentence or else of a word; what it leaves out opens the details, before any details given
    apart, so nothing typed is lost."""
    first, _, rest = text.strip().partition("\n")
    first = " ".join(first.split())
    title, left = _cut(first) if len(first) > TITLE_LIMIT else (first, "")
    body = "\n".join(part for part in (left, rest.strip()) if part)
    return title, "\n\n".join(part for part in (body, details.strip()) if part)


def _cut(line: str) -> tuple[str, str]:
    ends = [m.end() for m in _SENTENCE_END.finditer(line, 0, TITLE_LIMIT + 1)]
    ends = [end for end in ends if end >= SHORTEST_SENTENCE]
    if ends:
        return line[: ends[-1]], line[ends[-1] :].strip()
    cut = line[: TITLE_LIMIT - len(CONTINUED)]
    space = cut.rfind(" ")
    if space >= TITLE_LIMIT // 2:
        cut = cut[:space]
    # The details pick up where the title leaves off, marked as its continuation.
    return cut.rstrip() + CONTINUED, CONTINUED + line[len(cut) :].strip()


# Letters that carry no accent to drop but are not ASCII either.
_UNACCENTED = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def ascii_fold(text: str) -> str:
    """text lowercase in ASCII letters as far as they go: "ñandú façade" is "nandu facade"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_UNACCENTED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
