"""The phrase rules: every word of a phrase must appear; the first matching rule wins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import ClassifierRule

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class PhraseMatch:
    """What the phrase rules say; phrase is None when nothing matched."""

    tier: int
    category: str
    phrase: str | None

    @property
    def matched(self) -> bool:
        return self.phrase is not None


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def _phrase_matches(phrase: str, words: list[str]) -> bool:
    patterns = phrase.lower().replace("’", "'").split()
    for pattern in patterns:
        if pattern.endswith("*"):
            stem = pattern[:-1]
            if not any(word.startswith(stem) for word in words):
                return False
        elif pattern not in words:
            return False
    return True


def match_phrases(text: str, rules: list[ClassifierRule], *, default_tier: int) -> PhraseMatch:
    """First rule with a phrase whose every word appears in the text wins."""
    words = _words(text)
    for rule in rules:
        for phrase in rule.phrases:
            if _phrase_matches(phrase, words):
                return PhraseMatch(rule.tier, rule.category, phrase)
    return PhraseMatch(default_tier, "general", None)
