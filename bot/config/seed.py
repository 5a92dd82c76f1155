"""The seed post-launch support plan as built-in config defaults."""

from __future__ import annotations

from typing import Any

# Classifier phrases: every word of a phrase must appear in the text; a trailing * matches
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

# SPEC §4: Tier 1 pages levels 1 and 2 at once and tells management at half its resolution
# target; Tier 2 pages level 1; Tiers 3-4 page level 1 by DM only in business hours.
TIER_PAGING: dict[int, dict[str, Any]] = {
    1: {"page": [1, 2], "dm_hours": "always", "notify_at_half_resolve": 4},
    2: {"page": [1], "dm_hours": "always"},
    3: {"page": [1], "dm_hours": "business"},
    4: {"page": [1], "dm_hours": "business"},
}

CHANNELS = {
    "incidents": "C0INCIDENTS",
    "ops": "C0OPS",
    "reports": "C0REPORTS",
    "alerts": "C0ALERTS",
}

CHECKLISTS: list[dict[str, Any]] = [
    {
        "name": "morning",
        "title": "Morning checklist (9 AM)",
        "schedule": "business days 09:00",
        "items": [
            "Review overnight error logs",
            {"text": "Check server resource usage", "check": {"kind": "host"}},
            "Review queue worker status",
            {"text": "Check scheduled task execution", "check": {"kind": "jobs"}},
            "Review support tickets",
            "Check payment processing status",
        ],
    },
    {
        "name": "afternoon",
        "title": "Afternoon checklist (2 PM)",
        "schedule": "business days 14:00",
        "items": [
            "Review application performance",
            {"text": "Check database performance", "check": {"kind": "database"}},
            "Review user feedback",
            "Monitor error rates",
            "Check backup status",
        ],
    },
    {
        "name": "end-of-day",
        "title": "End of day checklist (5 PM)",
        "schedule": "business days 17:00",
        "report_unticked": True,
        "items": [
            "Review daily metrics",
            "Document any issues",
            "Plan next day priorities",
            "Update status dashboard",
        ],
    },
    {
        "name": "monday",
        "title": "Monday tasks",
        "schedule": "mon 09:30",
        "items": [
            "Review previous week's metrics",
            "Plan week's priorities",
            "Review pending support tickets",
            "Check for security updates",
        ],
    },
    {
        "name": "wednesday",
        "title": "Wednesday tasks",
        "schedule": "wed 09:30",
        "items": [
            "Mid-week performance review",
            "Review user feedback trends",
            "Check for system updates",
        ],
    },
    {
        "name": "friday",
        "title": "Friday tasks",
        "schedule": "fri 15:00",
        "items": [
            "Weekly summary report",
            "Review and prioritize bugs",
            "Plan next week's work",
            "Update documentation",
        ],
    },
    {
        "name": "monthly",
        "title": "Monthly tasks",
        "schedule": "first business day 10:00",
        "items": [
            "Full security audit",
            "Performance optimization review",
            "Database optimization",
            "Backup restoration test",
            "Disaster recovery drill",
            "User feedback analysis",
            "Feature request prioritization",
        ],
    },
    {
        "name": "documentation",
        "title": "Documentation updates",
        "schedule": "fri 16:00",
        "items": [
            "Keep runbooks updated",
            "Document new issues and solutions",
            "Update FAQ regularly",
            "Maintain knowledge base",
            "Update API documentation",
        ],
    },
    {
        "name": "training",
        "title": "Training & knowledge sharing",
        "schedule": "mon 10:00",
        "items": [
            "Weekly team meetings",
            "Monthly training sessions",
            "Document lessons learned",
            "Share best practices",
            "Cross-train team members",
        ],
    },
]
