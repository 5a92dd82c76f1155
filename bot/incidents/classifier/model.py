"""The classifier: nearest labelled examples vote, then the rules have their say."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.config import Plan
from bot.incidents.classifier.cues import Cues, read_cues, threshold_seconds
from bot.incidents.classifier.examples import shipped_examples
from bot.incidents.classifier.neighbours import Example, Index, Neighbour, Vector
from bot.incidents.classifier.text import Lexicon

K = 5
# Below this the nearest example shares too little with the report to say anything.
MIN_SIMILARITY = 0.12
# A learned correction this close to a report decides it outright.
LEARNED_SIMILARITY = 0.55
LEARNED_CACHE = 10_000
# The winning tier's share of the vote under which a suggestion is a close call.
CLOSE_CALL = 0.6
# Categories whose tier depends on how many people are hit: all of them, or some.
SCOPED = frozenset({"outage", "payments", "checkout"})
PERFORMANCE = "performance"
SECURITY = "security"
DATA = "data"
ENHANCEMENT = "enhancement"


@dataclass(frozen=True)
class Suggestion:
    """The classifier's answer: tier, category, how sure (0..1) and the words that decided."""

    tier: int
    category: str
    confidence: float
    words: tuple[str, ...] = ()
    close_call: bool = False
    matched: bool = True
    learned_from: int | None = None
    runner_up: int | None = None

    def as_json(self) -> dict[str, Any]:
        """What an incident keeps of how its tier was suggested."""
        return {
            "confidence": self.confidence,
            "words": list(self.words),
            "close_call": self.close_call,
            "matched": self.matched,
            "learned_from": self.learned_from,
            "runner_up": self.runner_up,
        }

    @property
    def phrase(self) -> str | None:
        """The deciding words as one line (None when nothing matched)."""
        return ", ".join(self.words) if self.matched and self.words else None


@dataclass
class _Vote:
    tiers: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    categories: dict[tuple[int, str], float] = field(default_factory=lambda: defaultdict(float))


class Classifier:
    """Suggests a tier and category for a report from labelled examples and a few rules."""

    def __init__(
        self,
        examples: Iterable[Example],
        *,
        tiers: Sequence[int],
        default_tier: int,
        slow_seconds: float = 5.0,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.tiers = sorted(tiers)
        self.default_tier = default_tier
        self.slow_seconds = slow_seconds
        self._index = Index([e for e in examples if e.tier in tiers], lexicon or Lexicon.load())
        self._learned_vectors: dict[tuple[int | None, str], Vector] = {}
        # The tiers each category's examples have, asked by the rules of every suggestion.
        by_category: dict[str, set[int]] = defaultdict(set)
        for example in self._index.examples:
            by_category[example.category].add(example.tier)
        self._category_tiers = {category: sorted(t) for category, t in by_category.items()}

    @classmethod
    def for_plan(cls, plan: Plan, extra: Iterable[Example] = ()) -> Classifier:
        """The shipped examples (unless the plan turns them off), the plan's own, and extra."""
        config = plan.classifier
        examples = [
            *(shipped_examples() if config.shipped_examples else []),
            *(Example(e.text, e.tier, e.category, "config") for e in config.examples),
            *extra,
        ]
        written = [text for tier in plan.tiers.values() for text in tier.examples]
        return cls(
            examples,
            tiers=list(plan.tiers),
            default_tier=plan.incidents.default_tier,
            slow_seconds=threshold_seconds(written),
        )

    @property
    def examples(self) -> list[Example]:
        """The examples it was built with (learned ones come per call)."""
        return self._index.examples

    def _learned(self, learned: Iterable[Example]) -> list[tuple[Example, Vector]]:
        pairs = []
        for example in learned:
            if example.tier not in self.tiers:
                continue
            key = (example.incident_id, example.text)
            if len(self._learned_vectors) > LEARNED_CACHE:
                self._learned_vectors.clear()  # rewritten corrections leave stale entries
            if key not in self._learned_vectors:
                self._learned_vectors[key] = self._index.vector_of(example)
            pairs.append((example, self._learned_vectors[key]))
        return pairs

    def suggest(
        self, text: str, learned: Iterable[Example] = (), *, without: Example | None = None
    ) -> Suggestion:
        """Tier and category for a report; learned are corrections kept by the team, without
        an example left out (to score the examples by each other)."""
        query, surfaces = self._index.vector(text)
        found = self._from_examples(text, query, surfaces, without)
        taught = self._index.nearest(query, 1, self._learned(learned), without, only_extra=True)
        if not taught or taught[0].similarity < LEARNED_SIMILARITY:
            return found
        top = taught[0]
        tier = top.example.tier
        if found.tier == self.tiers[0] and len(self.tiers) > 1:
            # A correction may lower what reads as critical, but never below the second tier:
            # one person's retier must not leave the next outage unpaged.
            tier = min(tier, self.tiers[1])
        return Suggestion(
            tier,
            top.example.category,
            round(min(0.95, top.similarity), 2),
            _words(top.shared, surfaces),
            learned_from=top.example.incident_id,
        )

    def _from_examples(
        self, text: str, query: Vector, surfaces: dict[str, str], without: Example | None
    ) -> Suggestion:
        """What the shipped and configured examples and the rules say."""
        near = self._index.nearest(query, K, (), without)
        cues = read_cues(text)
        useful = [n for n in near if n.similarity >= MIN_SIMILARITY]
        ruled = self._by_rule(cues, useful, surfaces)
        if ruled is not None:
            return ruled
        if not useful:
            return Suggestion(self.default_tier, "general", 0.0, matched=False)
        vote = _vote(useful)
        ranked = sorted(vote.tiers.items(), key=lambda kv: -kv[1])
        tier, score = ranked[0]
        total = sum(vote.tiers.values())
        category = _category(vote, tier)
        tier, scope_word = self._scope(tier, category, cues)
        confidence = score / total if total else 0.0
        words = _words(_shared_for(useful, tier), surfaces)
        if scope_word:
            words = (scope_word, *words)
            confidence = max(confidence, 0.7)
        runner_up = ranked[1][0] if len(ranked) > 1 else None
        weak = useful[0].similarity < 0.25
        return Suggestion(
            tier,
            category,
            round(confidence, 2),
            words[:4],
            close_call=confidence < CLOSE_CALL or weak,
            runner_up=runner_up if runner_up != tier else None,
        )

    def _by_rule(
        self, cues: Cues, near: list[Neighbour], surfaces: dict[str, str]
    ) -> Suggestion | None:
        """A breach, lost data, a request, or a load time against the threshold settles it."""
        lowest = self.tiers[-1]
        for word, category in ((cues.breach, SECURITY), (cues.loss, DATA)):
            tier = self._tier_of(category, prefer_low=False)
            if word and tier is not None and not cues.wish:
                return Suggestion(tier, category, 0.9, (word,))
        if cues.wish and not cues.wish_for_speed:
            # A request is for something new unless it is plainly about the docs or the looks.
            close = [n for n in near if n.example.tier == lowest and n.similarity >= 0.4]
            category = _category(_vote(close), lowest) if close else ENHANCEMENT
            return Suggestion(lowest, category, 0.85, (cues.wish,))
        if cues.wish_for_speed or (
            cues.load_seconds is not None and cues.load_seconds <= self.slow_seconds
        ):
            tier = self._tier_of(PERFORMANCE, prefer_low=True)
            if tier is not None and (cues.wish_for_speed or _mentions(near, PERFORMANCE)):
                word = cues.wish if cues.wish_for_speed else cues.load_phrase
                return Suggestion(tier, PERFORMANCE, 0.8, (str(word),))
        if cues.slow and cues.load_seconds is None:
            votes = _vote([n for n in near if n.example.category == PERFORMANCE])
            if votes.tiers:
                tier = max(votes.tiers.items(), key=lambda kv: kv[1])[0]
                return Suggestion(tier, PERFORMANCE, 0.7, (cues.slow,), close_call=False)
        if cues.load_seconds is not None and cues.load_seconds > self.slow_seconds:
            tier = self._tier_of(PERFORMANCE, prefer_low=False)
            if tier is not None:
                limit = f"{cues.load_phrase} > {self.slow_seconds:g} s"
                return Suggestion(tier, PERFORMANCE, 0.9, (limit,))
        return None

    def _tier_of(self, category: str, *, prefer_low: bool) -> int | None:
        tiers = self._category_tiers.get(category)
        if not tiers:
            return None
        return tiers[-1] if prefer_low else tiers[0]

    def _scope(self, tier: int, category: str, cues: Cues) -> tuple[int, str | None]:
        """ "For everyone" makes a scoped problem critical; "only in Europe" makes it high."""
        if category not in SCOPED or len(self.tiers) < 2:
            return tier, None
        first, second = self.tiers[0], self.tiers[1]
        if cues.some and tier == first:
            return second, cues.some
        if cues.everyone and not cues.some and tier == second:
            return first, cues.everyone
        return tier, None


def _vote(near: list[Neighbour]) -> _Vote:
    vote = _Vote()
    for n in near:
        weight = n.similarity**2 * (1.5 if n.example.source != "shipped" else 1.0)
        vote.tiers[n.example.tier] += weight
        vote.categories[(n.example.tier, n.example.category)] += weight
    return vote


def _category(vote: _Vote, tier: int) -> str:
    options = {c: w for (t, c), w in vote.categories.items() if t == tier}
    if not options:
        options = {c: w for (_, c), w in vote.categories.items()}
    return max(options.items(), key=lambda kv: kv[1])[0]


def _mentions(near: list[Neighbour], category: str) -> bool:
    return any(n.example.category == category for n in near[:3])


def _shared_for(near: list[Neighbour], tier: int) -> list[str]:
    weights: dict[str, float] = defaultdict(float)
    for n in near:
        if n.example.tier == tier:
            for rank, feature in enumerate(n.shared):
                weights[feature] += n.similarity / (rank + 1)
    return [f for f, _ in sorted(weights.items(), key=lambda kv: -kv[1])]


def _words(features: Iterable[str], surfaces: dict[str, str]) -> tuple[str, ...]:
    words: list[str] = []
    for feature in features:
        word = surfaces.get(feature)
        if word and word not in words:
            words.append(word)
    return tuple(words[:3])
