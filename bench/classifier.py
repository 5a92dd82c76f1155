"""The classifier on the labelled reports in tests/data/classifier/reports.tsv.

None of those reports is among the examples the classifier ships (checked below), so each is
scored by a classifier that never saw it. Also printed: the same reports leave-one-out with the
other reports added as team examples, the shipped examples scored leave-one-out, the old phrase
rules as the baseline, the per-tier confusion matrix, start-up time and latency per report.

    .venv/bin/python bench/classifier.py [--reports PATH] [--misses]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.config import ClassifierRule, Plan
from bot.config.seed import CLASSIFIER_RULES
from bot.incidents.classifier import Classifier, Example, match_phrases
from bot.incidents.classifier.evaluate import Score, leave_one_out, read_labelled, score
from bot.incidents.classifier.text import normalise

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "tests" / "data" / "classifier" / "reports.tsv"


def show(title: str, result: Score, tiers: list[int], *, misses: bool, timed: bool) -> None:
    print(f"\n## {title}")
    print(
        f"tier accuracy {result.accuracy:.1%} ({result.tier_hits}/{result.total}), "
        f"category {result.category_accuracy:.1%}; Tier 1 reports below Tier 2: "
        f"{result.below(1, 2)}"
    )
    print("given \\ suggested  " + "  ".join(f"T{t:<3}" for t in tiers))
    for given in tiers:
        print(f"T{given:<18}" + "  ".join(f"{result.confusion[(given, s)]:<4}" for s in tiers))
    if timed:
        p50, p99 = result.percentile_ms(0.5), result.percentile_ms(0.99)
        print(f"latency per report: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    if misses:
        for row, tier, category in result.misses:
            print(f"  miss: {row.text!r} given {row.tiers} {row.category}, got {tier} {category}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=Path, default=REPORTS)
    parser.add_argument("--misses", action="store_true", help="list every wrong tier")
    args = parser.parse_args()
    plan = Plan()
    rows = read_labelled(args.reports)
    tiers = sorted(plan.tiers)

    started = time.perf_counter()
    classifier = Classifier.for_plan(plan)
    startup = time.perf_counter() - started
    shipped = {normalise(e.text).strip() for e in classifier.examples}
    overlap = [r.text for r in rows if normalise(r.text).strip() in shipped]
    if overlap:
        print(f"the shipped examples include reports being scored: {overlap}", file=sys.stderr)
        return 1
    print(
        f"# {len(rows)} reports in {args.reports.name}; {len(classifier.examples)} shipped "
        f"examples, none of them among the reports; start-up {startup * 1000:.0f} ms"
    )
    classifier.suggest("warm up")

    def held_out(_: int, text: str) -> tuple[int, str]:
        found = classifier.suggest(text)
        return found.tier, found.category

    result = score(rows, held_out)
    show("classifier (shipped examples)", result, tiers, misses=args.misses, timed=True)

    def with_the_others(number: int, text: str) -> tuple[int, str]:
        others = [
            Example(r.text, r.tiers[0], r.category, "config")
            for i, r in enumerate(rows)
            if i != number
        ]
        found = Classifier.for_plan(plan, extra=others).suggest(text)
        return found.tier, found.category

    show(
        "classifier, leave-one-out: the other reports added as team examples",
        score(rows, with_the_others),
        tiers,
        misses=args.misses,
        timed=False,
    )
    show(
        "the shipped examples, each scored by the others (as `supportbot config check`)",
        leave_one_out(classifier),
        tiers,
        misses=False,
        timed=False,
    )
    rules = [ClassifierRule(**r) for r in CLASSIFIER_RULES]

    def phrases(_: int, text: str) -> tuple[int, str]:
        found = match_phrases(text, rules, default_tier=plan.incidents.default_tier)
        return found.tier, found.category

    show(
        "baseline: the old phrase rules",
        score(rows, phrases),
        tiers,
        misses=args.misses,
        timed=False,
    )
    return 0 if result.accuracy >= 0.9 and result.below(1, 2) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
