"""Rules that read what nearest examples can't weigh: load times against the plan's threshold,
how many people are hit, and requests for something new."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.incidents.classifier.text import normalise

_SECONDS = {"ms": 0.001, "millisecond": 0.001, "s": 1.0, "sec": 1.0, "second": 1.0}
_MINUTES = {"m": 60.0, "min": 60.0, "minute": 60.0}
_DURATION = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b"
)
# Minutes are a load time only when the words say so ("orders stuck for 20 minutes" is not).
_LOAD_CONTEXT = re.compile(r"\b(load|loading|loads|take|takes|taking|respond|response|render)\w*")
# The threshold as the plan's tier examples write it: "Performance degradation (> 5 seconds)".
_THRESHOLD = re.compile(r">\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?)\b")

_EVERYONE = re.compile(
    r"\b(every(one|body)|all (of )?(our |the )?(customers|users|shoppers|visitors|regions|"
    r"countries|browsers|devices|pages|orders|transactions|payments|charges)|nobody|no ?one|"
    r"any (customer|user|one)|across the board|complete(ly)?|entire(ly)?|whole|total(ly)?|"
    r"at all|100 ?%|site-?wide|global(ly)?|every (page|order|request|transaction|charge|card|"
    r"customer|user))\b"
)
_SOME = re.compile(
    r"\b(some|only|a few|certain|a (small )?part|partial(ly)?|intermittent(ly)?|sometimes|"
    r"occasionally|a handful|several|in (the )?(eu|europe|us|usa|uk|asia|africa|australia|"
    r"canada|germany|france|[a-z]+ region)|on (mobile|ios|android|safari|firefox|chrome|"
    r"ipad|iphone|tablets?|edge)|for (mobile|ios|android|safari|firefox|chrome) users|"
    r"the rest (of the site |of the shop )?(is|works|loads|are)|(but|while) the \w+ (works|loads|"
    r"is fine))\b"
)
_WISH = re.compile(
    r"(^|[.!?;:]\s*)(please\s+)?(add|allow|let|introduce|offer|enable|integrate|provide|"
    r"implement|create|build|support)\b|"
    r"\bplease\s+(add|allow|let|support|include|make|consider|create|build|offer|enable|"
    r"introduce|implement)\b|"
    r"\b(could|can|should|shall) (we|you|someone)( please)? (add|have|get|support|offer|allow|"
    r"include|introduce|build|create|consider|implement|integrate|make it possible)\b|"
    r"\bwould (be )?(nice|great|good|helpful|handy|cool|useful|lovely|awesome)\b|"
    r"\bit would be\b|\b(we|i) (would|d) (like|love)\b|\bnice to have\b|\bwish\b|"
    r"\bfeature (request|idea|suggestion)\b|\b(suggestion|idea|request|enhancement)\s*:|"
    r"\bhow about\b|\bwhat if we\b|\bwe need a new\b|\bcustomers (are )?(asking|ask) for\b"
)
# A report that says something is failing is not a wish, however politely it is put.
_FAILING = re.compile(
    r"\b(down|broken|break|fail\w*|error\w*|crash\w*|not (work|load|send|arriv|go)\w*|"
    r"can not|outage|offline|lost|missing|hack\w*|leak\w*|stuck|slow\w*|wrong|bug\w*)\b"
)
# Whatever else a report says, these are the seed's "security breach" and "data loss".
_BREACH = re.compile(
    r"\b(hack(ed|er|ers|ing)?|breach(ed|es)?|leak(ed|ing|s)?|compromised|ransom(ware)?|malware|"
    r"phishing|(sql |script )?injection|xss|intruders?|attackers?|stolen|steal(ing)?|defaced|"
    r"exfiltrat\w*|unauthori[sz]ed|brute.?forc\w*|skimm\w*|backdoor|"
    r"suspicious (logins?|activity|access|sign.?ins?|transactions)|strange logins?|"
    r"(someone|somebody|a stranger|an outsider) (got|broke|logged) in(to)?|"
    r"unknown (users?|ips?|admins?|logins?|devices?) (created|logged|signed|accessed|on|in)|"
    r"exposed (publicly|to the public|customer|user|personal|card|passwords?)|"
    r"(card|credit card) (numbers|details|data) (are |were )?(visible|exposed|in (the )?logs?)|"
    r"visible to (other|all|any) (customers|users|visitors|people)|"
    r"passwords? (in )?plain ?text)\b"
)
_LOSS = re.compile(
    r"\b(lost|losing|wiped|deleted|erased|vanished|disappeared|gone|truncated|dropped|"
    r"overwritten|corrupt(ed|ion)?|destroyed|purged)\b"
)
_LOSS_OF = re.compile(
    r"\b(data|database|db|tables?|records?|orders|customers|accounts|products|catalog(ue)?|"
    r"history|profiles|uploads|files|prices|inventory|transactions|backups?)\b"
)
# "no sign of a breach", "nothing was lost": a negation just before the word.
_DENIED = re.compile(r"\b(no|not|never|nothing|without|none)\s+(\w+\s+){0,2}$")
_SLOW = re.compile(
    r"\b(slow(er|ly|ness)?|sluggish|takes? (forever|ages)|lag(s|gy|ging)?|crawl(s|ing)?|"
    r"very long to load)\b"
)
_HARD_FAILURE = re.compile(
    r"\b(down|offline|unreachable|broken|fail\w*|error\w*|crash\w*|500|502|503|504|"
    r"not (load|work|open|respond)\w*|can not|nobody|no one|blank|dead|lost|hack\w*)\b"
)
_FASTER = re.compile(
    r"\b(faster|quicker|speed\w*|optimi[sz]\w*|cach\w*|compress\w*|lazy|index\w*|performance)\b"
)


@dataclass(frozen=True)
class Cues:
    """What the rules read in a report; phrases are the words that triggered each."""

    load_seconds: float | None = None
    load_phrase: str | None = None
    everyone: str | None = None
    some: str | None = None
    wish: str | None = None
    wish_for_speed: bool = False
    breach: str | None = None
    loss: str | None = None
    slow: str | None = None


def threshold_seconds(examples: list[str], default: float = 5.0) -> float:
    """The slow-page threshold written in a tier's examples ("> 5 seconds"), else default."""
    for example in examples:
        match = _THRESHOLD.search(example.lower())
        if match:
            factor = 0.001 if match[2] == "ms" else 1.0
            return float(match[1]) * factor
    return default


def _load_time(text: str) -> tuple[float | None, str | None]:
    longest: tuple[float | None, str | None] = (None, None)
    for match in _DURATION.finditer(text):
        unit = match[2].rstrip("s") if match[2] not in ("s", "ms") else match[2]
        if unit in _SECONDS:
            seconds = float(match[1]) * _SECONDS[unit]
        elif unit in _MINUTES and _LOAD_CONTEXT.search(text):
            seconds = float(match[1]) * _MINUTES[unit]
        else:
            continue
        if longest[0] is None or seconds > longest[0]:
            longest = (seconds, match[0])
    return longest


def _asserted(pattern: re.Pattern[str], text: str) -> str | None:
    """The first match of pattern that no negation just before it takes back."""
    for match in pattern.finditer(text):
        if not _DENIED.search(text[: match.start()]):
            return match[0]
    return None


def read_cues(text: str) -> Cues:
    """The rules' view of a report."""
    clean = normalise(text)
    seconds, phrase = _load_time(clean)
    everyone, some = _EVERYONE.search(clean), _SOME.search(clean)
    wish = _WISH.search(clean)
    if wish and _FAILING.search(clean):
        wish = None
    return Cues(
        load_seconds=seconds,
        load_phrase=phrase,
        everyone=everyone[0] if everyone else None,
        some=some[0] if some else None,
        wish=wish[0].strip(" .!?;:") if wish else None,
        wish_for_speed=bool(wish and _FASTER.search(clean)),
        breach=_asserted(_BREACH, clean),
        loss=(loss if (loss := _asserted(_LOSS, clean)) and _LOSS_OF.search(clean) else None),
        slow=_asserted(_SLOW, clean) if not _asserted(_HARD_FAILURE, clean) else None,
    )
