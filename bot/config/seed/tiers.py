"""Seed tiers, escalation levels, how each tier pages, and the channels the bot posts in."""

from __future__ import annotations

from typing import Any

TIERS: dict[int, dict[str, Any]] = {
    1: {
        "name": "Critical",
        "respond": "15m",
        "resolve": "2h",
        "examples": [
            "Site completely down",
            "Payment processing failure",
            "Data loss or corruption",
            "Security breach",
            "Complete checkout failure",
        ],
    },
    2: {
        "name": "High",
        "respond": "1h",
        "resolve": "4h",
        "examples": [
            "Partial site outage",
            "Admin panel inaccessible",
            "Order processing delays",
            "Email delivery failure",
            "Performance degradation (> 5 seconds)",
        ],
    },
    3: {
        "name": "Medium",
        "respond": "4h",
        "resolve": "24h",
        "examples": [
            "Minor feature bugs",
            "UI/UX issues",
            "Non-critical errors",
            "Performance optimization needs",
        ],
    },
    4: {
        "name": "Low",
        "respond": "24h",
        "resolve": None,
        "examples": ["Enhancement requests", "Documentation updates", "Minor cosmetic issues"],
    },
}

ESCALATION: list[dict[str, Any]] = [
    {"level": 1, "name": "Support Team", "members": ["U0SUP1", "U0SUP2"]},
    {"level": 2, "name": "Development Team", "members": ["U0DEV1", "U0DEV2"]},
    {"level": 3, "name": "Senior Developer/Architect", "members": ["U0ARCH1"]},
    {"level": 4, "name": "Management", "members": ["U0MGR1"]},
]

# SPEC §4, refined by issue 12: Tier 1 pages levels 1 and 2 at once and tells management at
# half its resolution target; Tier 2 pages level 1; Tier 3 pages level 1's on-call person only,
# in business hours only (in weeks 1-2 too: the development team is on call for Tiers 1-2, not
# for minor bugs); Tier 4 is never paged by DM: the channel post is the notice. An unanswered
# page is sent again every 5 min (Tier 1), 15 min (Tier 2) or hour (Tier 3), 3 tries each.
TIER_PAGING: dict[int, dict[str, Any]] = {
    1: {
        "page": [1, 2],
        "dm_hours": "always",
        "notify_at_half_resolve": 4,
        "repage_every": "5m",
        "tries": 3,
    },
    2: {"page": [1], "dm_hours": "always", "repage_every": "15m", "tries": 3},
    3: {"page": [1], "dm_hours": "business", "one_person": True, "repage_every": "1h", "tries": 3},
    4: {"page": [1], "dm_hours": "never"},
}

CHANNELS = {
    "incidents": "C0INCIDENTS",
    "ops": "C0OPS",
    "reports": "C0REPORTS",
    "alerts": "C0ALERTS",
}
