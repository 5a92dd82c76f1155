"""Policy snapshots verbatim as earlier releases stored them with each incident (JSON)."""

from __future__ import annotations

from typing import Any

# Since paging by level (migration 0004) until per-tier cadence (issue 12): the seed plan's
# snapshot, every key present.
BEFORE_TIER_CADENCE: dict[str, Any] = {
    "tiers": {
        "1": {"name": "Critical", "respond_s": 900, "resolve_s": 7200},
        "2": {"name": "High", "respond_s": 3600, "resolve_s": 14400},
        "3": {"name": "Medium", "respond_s": 14400, "resolve_s": 86400},
        "4": {"name": "Low", "respond_s": 86400, "resolve_s": None},
    },
    "levels": [
        {
            "level": 1,
            "name": "Support Team",
            "members": ["U0SUP1", "U0SUP2"],
            "repage_every_s": 300,
            "tries": 3,
        },
        {
            "level": 2,
            "name": "Development Team",
            "members": ["U0DEV1", "U0DEV2"],
            "repage_every_s": 300,
            "tries": 3,
        },
        {
            "level": 3,
            "name": "Senior Developer/Architect",
            "members": ["U0ARCH1"],
            "repage_every_s": 300,
            "tries": 3,
        },
        {
            "level": 4,
            "name": "Management",
            "members": ["U0MGR1"],
            "repage_every_s": 300,
            "tries": 3,
        },
    ],
    "paging": {
        "1": {"page": [1, 2], "dm_hours": "always", "notify_at_half_resolve": 4},
        "2": {"page": [1], "dm_hours": "always", "notify_at_half_resolve": None},
        "3": {"page": [1], "dm_hours": "business", "notify_at_half_resolve": None},
        "4": {"page": [1], "dm_hours": "business", "notify_at_half_resolve": None},
    },
    "level1_unresolved_after_s": 7200,
    "security_categories": ["security"],
    "security_level": 3,
}

# Since per-tier paging (issue 12): Tier 3 pages one person, Tier 4 nobody by DM, and each tier
# has its own re-page cadence.
CURRENT: dict[str, Any] = {
    **BEFORE_TIER_CADENCE,
    "paging": {
        "1": {
            "page": [1, 2],
            "dm_hours": "always",
            "notify_at_half_resolve": 4,
            "repage_every": "5m",
            "tries": 3,
        },
        "2": {
            "page": [1],
            "dm_hours": "always",
            "notify_at_half_resolve": None,
            "repage_every": "15m",
            "tries": 3,
        },
        "3": {
            "page": [1],
            "dm_hours": "business",
            "notify_at_half_resolve": None,
            "one_person": True,
            "repage_every": "1h",
            "tries": 3,
        },
        "4": {"page": [1], "dm_hours": "never", "notify_at_half_resolve": None},
    },
}

# Before paging existed (migrations 0001-0003): tiers and levels only, no re-page settings.
BEFORE_PAGING: dict[str, Any] = {
    "tiers": {
        "1": {"name": "Sev1", "respond_s": 600, "resolve_s": 3600},
        "2": {"name": "Sev2", "respond_s": 3600, "resolve_s": None},
    },
    "levels": [
        {"level": 1, "name": "Support", "members": ["U0SUP1", "U0SUP2"]},
        {"level": 2, "name": "Developers", "members": ["U0DEV1"]},
    ],
}
