"""The seed post-launch support plan as built-in config defaults."""

from __future__ import annotations

from bot.config.seed.checklists import CHECKLISTS
from bot.config.seed.classifier import CATEGORIES, CLASSIFIER_RULES
from bot.config.seed.tiers import CHANNELS, ESCALATION, TIER_PAGING, TIERS

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "CHECKLISTS",
    "CLASSIFIER_RULES",
    "ESCALATION",
    "TIERS",
    "TIER_PAGING",
]
