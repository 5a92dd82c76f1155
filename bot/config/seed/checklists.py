"""Seed recurring checklists (SPEC §6): when each is posted and its items."""

from __future__ import annotations

from typing import Any

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
