"""Labelled examples and the nearest of them to a report: TF-IDF over word stems and concepts,
compared by cosine."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.incidents.classifier.text import Lexicon, Term, terms

# How much a concept counts beside the word itself: concepts carry paraphrase ("offline" ~
# "down"). Chosen by scoring the shipped examples leave-one-out (bench/classifier.py); character
# n-grams were tried too and only added noise.
CONCEPT_WEIGHT = 2.0

Vector = dict[str, float]


@dataclass(frozen=True)
class Example:
    """A report with the tier and category a responder gave it; incident_id when learned."""

    text: str
    tier: int
    category: str
    source: str = "shipped"
    incident_id: int | None = None


@dataclass(frozen=True)
class Neighbour:
    """A close example and how close (cosine, 0..1)."""

    example: Example
    similarity: float
    shared: tuple[str, ...]


def raw_features(found: list[Term]) -> dict[str, float]:
    """Weighted feature counts of a report's terms."""
    counts: dict[str, float] = defaultdict(float)
    for term in found:
        counts["w:" + term.feature] += 1.0
        if term.concept:
            counts["c:" + term.concept] += CONCEPT_WEIGHT
    return counts


def _shared(query: Vector, vector: Vector) -> tuple[str, ...]:
    """The word and concept features both have, the weightiest first."""
    products = {f: w * vector[f] for f, w in query.items() if f in vector}
    return tuple(f for f, _ in sorted(products.items(), key=lambda p: -p[1]))


class Index:
    """Examples as unit vectors, weighted by how rare each feature is among them."""

    def __init__(self, examples: Iterable[Example], lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self.examples: list[Example] = list(examples)
        parsed = [raw_features(terms(e.text, lexicon)) for e in self.examples]
        documents: Counter[str] = Counter()
        for counts in parsed:
            documents.update(counts.keys())
        total = max(1, len(parsed))
        self._idf = {f: math.log((1 + total) / (1 + n)) + 1.0 for f, n in documents.items()}
        self._unseen_idf = math.log(1 + total) + 1.0
        self._vectors = [self._weigh(counts) for counts in parsed]
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, vector in enumerate(self._vectors):
            for feature, weight in vector.items():
                self._postings[feature].append((number, weight))

    def _weigh(self, counts: dict[str, float]) -> Vector:
        vector = {
            f: (1 + math.log(n)) * self._idf.get(f, self._unseen_idf)
            for f, n in counts.items()
            if n > 0
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def vector(self, text: str) -> tuple[Vector, dict[str, str]]:
        """A report as a unit vector, with the written word behind each word feature."""
        found = terms(text, self._lexicon)
        surfaces = {"w:" + t.feature: t.surface for t in found}
        surfaces.update({"c:" + t.concept: t.surface for t in found if t.concept})
        return self._weigh(raw_features(found)), surfaces

    def nearest(
        self,
        query: Vector,
        k: int,
        extra: Iterable[tuple[Example, Vector]] = (),
        without: Example | None = None,
        *,
        only_extra: bool = False,
    ) -> list[Neighbour]:
        """The k examples closest to a query vector (extra ones are compared too, or alone;
        without is left out, to score an example by the others)."""
        # Only examples sharing a feature with the query can be close: walk those alone.
        totals: dict[int, float] = defaultdict(float)
        for feature, weight in query.items():
            for number, theirs in () if only_extra else self._postings.get(feature, ()):
                totals[number] += weight * theirs
        candidates = [
            (self.examples[n], self._vectors[n], score)
            for n, score in totals.items()
            if self.examples[n] is not without
        ]
        for example, vector in extra:
            score = sum(w * vector[f] for f, w in query.items() if f in vector)
            if score > 0 and example is not without:
                candidates.append((example, vector, score))
        candidates.sort(key=lambda c: -c[2])
        return [
            Neighbour(example, score, _shared(query, vector))
            for example, vector, score in candidates[:k]
        ]

    def vector_of(self, example: Example) -> Vector:
        """An example's vector by this index's weights (for examples learned after start)."""
        return self.vector(example.text)[0]
