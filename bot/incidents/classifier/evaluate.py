"""How well the classifier does on labelled reports: accuracy, confusion, speed."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.incidents.classifier.model import Classifier
from bot.incidents.classifier.neighbours import Example


@dataclass(frozen=True)
class Labelled:
    """A report with the tiers a responder would accept ("3|4": either is fair) and category."""

    text: str
    tiers: tuple[int, ...]
    category: str


@dataclass
class Score:
    """Hits, the tier confusion (given → suggested) and the time each suggestion took."""

    total: int = 0
    tier_hits: int = 0
    category_hits: int = 0
    confusion: Counter[tuple[int, int]] = field(default_factory=Counter)
    misses: list[tuple[Labelled, int, str]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of reports given a tier the label accepts."""
        return self.tier_hits / self.total if self.total else 0.0

    @property
    def category_accuracy(self) -> float:
        """Share of reports given the labelled category."""
        return self.category_hits / self.total if self.total else 0.0

    def below(self, given: int, floor: int) -> int:
        """How many reports given this tier were suggested a tier below floor (numbered higher)."""
        return sum(n for (g, s), n in self.confusion.items() if g == given and s > floor)

    def percentile_ms(self, share: float) -> float:
        """Time per suggestion at a percentile (0.99: p99), in milliseconds."""
        ordered = sorted(self.seconds)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def read_labelled(path: Path) -> list[Labelled]:
    """Rows of `text<TAB>tier<TAB>category`, tier may be "3|4"; # lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, tiers, category = line.split("\t")[:3]
        rows.append(Labelled(text, tuple(int(t) for t in tiers.split("|")), category.strip()))
    return rows


def as_labelled(examples: Sequence[Example]) -> list[Labelled]:
    """Examples as labelled reports."""
    return [Labelled(e.text, (e.tier,), e.category) for e in examples]


def score(rows: Sequence[Labelled], guess: Callable[[int, str], tuple[int, str]]) -> Score:
    """Score guess(row number, text) → (tier, category) on every row."""
    result = Score()
    for number, row in enumerate(rows):
        started = time.perf_counter()
        tier, category = guess(number, row.text)
        result.seconds.append(time.perf_counter() - started)
        result.total += 1
        hit = tier in row.tiers
        result.tier_hits += hit
        result.category_hits += category == row.category
        result.confusion[(row.tiers[0], tier)] += 1
        if not hit:
            result.misses.append((row, tier, category))
    return result


def leave_one_out(classifier: Classifier) -> Score:
    """Each of the classifier's own examples scored by all the others."""
    examples = classifier.examples

    def guess(number: int, text: str) -> tuple[int, str]:
        found = classifier.suggest(text, without=examples[number])
        return found.tier, found.category

    return score(as_labelled(examples), guess)
