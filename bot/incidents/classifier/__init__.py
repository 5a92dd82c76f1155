"""Suggesting a tier and category for a report: nearest labelled examples and a few rules."""

from __future__ import annotations

from bot.incidents.classifier.examples import EXAMPLES_FOLDER, read_examples, shipped_examples
from bot.incidents.classifier.model import Classifier, Suggestion
from bot.incidents.classifier.neighbours import Example
from bot.incidents.classifier.phrases import PhraseMatch, match_phrases

__all__ = [
    "EXAMPLES_FOLDER",
    "Classifier",
    "Example",
    "PhraseMatch",
    "Suggestion",
    "match_phrases",
    "read_examples",
    "shipped_examples",
]
