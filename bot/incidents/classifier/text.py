"""From a report to the features the classifier compares: word stems, concepts, negation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yml")

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
# Contractions written out, so "isn't" and "is not" read the same.
_CONTRACTIONS = (
    (re.compile(r"\bcan'?t\b|\bcannot\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'(re|s|ve|ll|d|m)\b"), ""),
)
NEGATIONS = frozenset({"not", "never", "no longer"})
# Words a negation reaches across: "is not really down", "not even slow".
_SKIP_AFTER_NEGATION = frozenset({"be", "is", "are", "was", "been", "a", "the", "really", "even"})
STOPWORDS = frozenset(
    "a an the is are was were be been being am to of in on at for and or it its this that "
    "these those we our us i my me you your they their them he she his her there here as by "
    "with from so just has have had do does did will would should could can may might get got "
    "also very too again still now today yesterday since when while after before into than "
    "then about but".split()
)
_IRREGULAR = {
    "lost": "lose",
    "went": "go",
    "gone": "go",
    "broke": "break",
    "broken": "break",
    "stolen": "steal",
    "took": "take",
    "taken": "take",
    "ran": "run",
    "data": "data",
    "status": "status",
    "https": "http",
    "ios": "ios",
    "analytics": "analytics",
    "always": "always",
    "ages": "ages",
    "pages": "page",
}


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, contractions written out."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def tokens(text: str) -> list[str]:
    """The words and numbers of a normalised text, in order."""
    return _TOKEN.findall(text)


@cache
def lemma(word: str) -> str:
    """A light stem: plural, -ing and -ed endings and a final e dropped (both sides alike)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.isdigit() or len(word) <= 3:
        return word
    stem = word
    if stem.endswith("ies") and len(stem) > 4:
        stem = stem[:-3] + "y"
    elif stem.endswith(("sses", "shes", "ches", "xes")):
        stem = stem[:-2]
    elif stem.endswith("s") and not stem.endswith(("ss", "us", "is")):
        stem = stem[:-1]
    for suffix in ("ing", "ed"):
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
            stem = stem[: -len(suffix)]
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]
            break
    if stem.endswith("e") and len(stem) > 4:
        stem = stem[:-1]
    return stem


@dataclass(frozen=True)
class Lexicon:
    """Stems mapped to the concept they stand for (site, down, pay…)."""

    concepts: dict[str, str]

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> Lexicon:
        """Read the concept lists shipped with the classifier."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        concepts: dict[str, str] = {}
        for concept, words in raw.items():
            for word in words:
                for part in tokens(normalise(str(word))):
                    concepts.setdefault(lemma(part), str(concept))
        return cls(concepts)


@dataclass(frozen=True)
class Term:
    """One content word of a report: its feature, its concept (if any), and how it was written."""

    feature: str
    concept: str | None
    surface: str


def terms(text: str, lexicon: Lexicon) -> list[Term]:
    """The content words of a report; a negated word gets a feature of its own ("not_down")."""
    words = tokens(normalise(text))
    found: list[Term] = []
    negated = False
    for word in words:
        if word in NEGATIONS:
            negated = True
            continue
        if negated and word in _SKIP_AFTER_NEGATION:
            continue
        if word in STOPWORDS:
            negated = False
            continue
        stem = lemma(word)
        concept = lexicon.concepts.get(stem)
        if negated:
            found.append(Term("not_" + stem, "not_" + concept if concept else None, "not " + word))
            negated = False
        else:
            found.append(Term(stem, concept, word))
    return found
