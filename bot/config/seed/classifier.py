"""Seed categories of each tier, and the phrase rules the classifier replaced."""

from __future__ import annotations

from typing import Any

# The categories of the seed plan's tiers, as the shipped classifier examples use them
# (bot/incidents/classifier/examples/). Outage and performance belong to two tiers each: how
# much is down, or how slow, decides which.
CATEGORIES: dict[int, list[str]] = {
    1: ["outage", "payments", "checkout", "data", "security"],
    2: ["outage", "admin", "orders", "email", "performance"],
    3: ["bug", "ui", "errors", "performance"],
    4: ["enhancement", "docs", "cosmetic"],
}

# The phrase rules of the first release, kept as the classifier's baseline (bench/classifier.py)
# and as an example of `classifier.rules`. Every word of a phrase must appear in the text; a
# trailing * matches any word starting with what precedes it. Rules are tried in order, most
# severe first. every word of a phrase must appear in the text; a trailing * matches
# any word starting with what precedes it. Rules are tried in order, most severe first.
CLASSIFIER_RULES: list[dict[str, Any]] = [
    {
        "tier": 1,
        "category": "security",
        "phrases": [
            "security breach",
            "breach*",
            "hacked",
            "compromised",
            "data leak*",
            "unauthori* access",
            "security incident",
        ],
    },
    {
        "tier": 1,
        "category": "data",
        "phrases": [
            "data loss",
            "lost data",
            "data lost",
            "data corrupt*",
            "corrupt* data",
            "corrupt* database",
            "database corrupt*",
            "orders missing",
            "data missing",
        ],
    },
    {
        "tier": 1,
        "category": "payments",
        "phrases": [
            "payment* fail*",
            "payment* down",
            "payment* broken",
            "payment* not work*",
            "payment* error*",
            "card* declined",
            "charge* fail*",
            "can't pay",
            "cannot pay",
        ],
    },
    {
        "tier": 1,
        "category": "checkout",
        "phrases": [
            "checkout broken",
            "checkout down",
            "checkout fail*",
            "checkout not work*",
            "checkout error*",
            "can't checkout",
            "cannot checkout",
            "checkout is dead",
        ],
    },
    {
        "tier": 1,
        "category": "site",
        "phrases": [
            "site down",
            "website down",
            "site unreachable",
            "site offline",
            "completely down",
            "everything down",
            "site not load*",
            "whole site",
            "entire site",
        ],
    },
    {
        "tier": 2,
        "category": "outage",
        "phrases": [
            "partial outage",
            "partially down",
            "partial* unavailable",
            "outage",
            "some pages down",
        ],
    },
    {
        "tier": 2,
        "category": "admin",
        "phrases": [
            "admin down",
            "admin inaccessible",
            "admin broken",
            "admin* not load*",
            "admin* error*",
            "admin* unavailable",
            "admin* won't load*",
            "admin* inaccessible",
            "can't log* admin",
            "cannot log* admin",
        ],
    },
    {
        "tier": 2,
        "category": "orders",
        "phrases": [
            "order* delay*",
            "order* stuck",
            "order* slow",
            "order* not process*",
            "order processing",
            "order* pending",
        ],
    },
    {
        "tier": 2,
        "category": "email",
        "phrases": [
            "email* not send*",
            "email* not sent",
            "email* fail*",
            "email* not deliver*",
            "email* bounc*",
            "email* down",
            "mail* not send*",
            "email delivery",
            "email* stuck",
        ],
    },
    {
        "tier": 2,
        "category": "performance",
        "phrases": [
            "slow*",
            "timeout*",
            "timing out",
            "times out",
            "latency",
            "performance degrad*",
            "takes forever",
        ],
    },
    {
        "tier": 3,
        "category": "bug",
        "phrases": ["bug*", "glitch*", "broken link*", "not work*", "doesn't work", "wrong"],
    },
    {
        "tier": 3,
        "category": "ui",
        "phrases": ["ui", "ux", "layout", "button*", "display*", "render*", "css", "mobile view"],
    },
    {
        "tier": 3,
        "category": "errors",
        "phrases": ["error*", "exception*", "warning*", "traceback", "crash*"],
    },
    {"tier": 3, "category": "performance", "phrases": ["optimi*", "performance", "speed up"]},
    {
        "tier": 4,
        "category": "enhancement",
        "phrases": [
            "feature request",
            "enhancement*",
            "would be nice",
            "suggestion*",
            "add support",
            "feature idea",
            "request",
        ],
    },
    {
        "tier": 4,
        "category": "docs",
        "phrases": ["documentation", "docs", "readme", "faq", "api doc*"],
    },
    {
        "tier": 4,
        "category": "cosmetic",
        "phrases": ["cosmetic", "typo*", "colour*", "color*", "font*", "spacing", "misalign*"],
    },
]
