"""A known week of incidents, pages, ratings and checklist runs, written straight to a database,
with the figures a report of it must show (worked out by hand in the comments).

The week: Monday 23 to Friday 27 November 2026 in New York (EST, UTC-5); the report is made on
Friday at 16:00. The week before is cut at the same point (Friday 20 November, 16:00)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.config import Plan, Policy
from bot.store import (
    ChecklistRun,
    ChecklistTick,
    Incident,
    IncidentEvent,
    Page,
    PageKind,
    PageStatus,
    RunKind,
    RunStatus,
)

NEW_YORK = ZoneInfo("America/New_York")
FRIDAY_1600 = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A New York wall-clock time in November 2026, as an aware datetime."""
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK)


def incident_row(
    plan: Plan,
    number: int,
    tier: int,
    declared: datetime,
    *,
    acked: tuple[datetime, str] | None = None,
    resolved: datetime | None = None,
    deferred: datetime | None = None,
    rating: tuple[int, datetime] | None = None,
    lessons: str | None = None,
    ack_breached: datetime | None = None,
    resolve_breached: datetime | None = None,
) -> dict[str, Any]:
    """An incidents row as the services would have left it."""
    policy = Policy.of(plan)
    due = policy.targets(tier, deferred or declared)
    status = "resolved" if resolved else ("acknowledged" if acked else "open")
    return {
        "id": number,
        "title": f"incident {number}",
        "description": "",
        "tier": tier,
        "category": "general",
        "suggested": False,
        "matched_phrase": None,
        "status": status,
        "reporter": "U1",
        "level": 1,
        "created_at": declared,
        "updated_at": declared,
        "ack_due_at": due.ack_due_at,
        "resolve_due_at": due.resolve_due_at,
        "acknowledged_at": acked[0] if acked else None,
        "acknowledged_by": acked[1] if acked else None,
        "resolved_at": resolved,
        "resolved_by": "U0SUP1" if resolved else None,
        "summary": "fixed" if resolved else None,
        "root_cause": None,
        "lessons": lessons,
        "post_channel": "C0INCIDENTS",
        "post_ts": None,
        "dedicated_channel": None,
        "rating": rating[0] if rating else None,
        "rated_at": rating[1] if rating else None,
        "policy": policy,
        "source_key": None,
        "ack_breached_at": ack_breached,
        "resolve_breached_at": resolve_breached,
        "paging_deferred_until": deferred,
    }


def page_row(
    incident: int,
    level: int,
    user: str,
    sent: datetime,
    *,
    attempt: int = 1,
    status: PageStatus = PageStatus.SENT,
) -> dict[str, Any]:
    """A pages row for a page that went out."""
    return {
        "incident_id": incident,
        "key": f"L{level}:{user}:{attempt}",
        "kind": PageKind.PAGE,
        "level": level,
        "user": user,
        "attempt": attempt,
        "reason": "seeded",
        "status": status,
        "created_at": sent,
        "attempted_at": sent,
        "sent_at": sent,
        "channel": f"D{user}",
        "ts": None,
        "note": None,
    }


def run_row(
    number: int,
    checklist: str,
    items: int,
    slot: datetime,
    status: RunStatus,
    title: str | None = None,
) -> dict[str, Any]:
    """A checklist_runs row."""
    return {
        "id": number,
        "checklist": checklist,
        "title": title or checklist.title(),
        "items": {"items": [f"item {n}" for n in range(items)]},
        "slot_key": f"{checklist}:{slot.isoformat()}",
        "slot_at": slot,
        "status": status,
        "channel": "C0OPS",
        "ts": None,
        "created_at": slot,
        "kind": RunKind.CHECKLIST,
        "incident_id": None,
        "thread_ts": None,
        "results": None,
        "note": None,
    }


def seed_week(engine: sa.Engine, plan: Plan) -> None:
    """Write the known week (see the module docstring) to a migrated database."""
    sup1, sup2, dev1, arch = "U0SUP1", "U0SUP2", "U0DEV1", "U0ARCH1"
    incidents = [
        # 1 — Tier 1, Mon 10:00: acknowledged in 6 min, resolved in 1 h 30: both in target.
        incident_row(
            plan,
            1,
            1,
            local(23, 10),
            acked=(local(23, 10, 6), sup1),
            resolved=local(23, 11, 30),
            rating=(5, local(23, 12)),
            lessons="Add a canary for checkout",
        ),
        # 2 — Tier 1, Tue 22:00 (after hours): acknowledged in 20 min and resolved in 3 h, both
        # late; level 3 was paged at 22:15 when the acknowledgement target passed.
        incident_row(
            plan,
            2,
            1,
            local(24, 22),
            acked=(local(24, 22, 20), arch),
            resolved=local(25, 1),
            rating=(2, local(25, 9)),
            ack_breached=local(24, 22, 15),
            resolve_breached=local(25, 0),
        ),
        # 3 — Tier 3, Wed 14:00 (corrected from 4 by U0SUP2): acknowledged in 30 min, still
        # open; its 24 h resolution target passed on Thursday.
        incident_row(
            plan,
            3,
            3,
            local(25, 14),
            acked=(local(25, 14, 30), sup2),
            resolve_breached=local(26, 14),
        ),
        # 4 — Tier 2, Fri 15:30: not yet acknowledged, its 1 h target still ahead.
        incident_row(plan, 4, 2, local(27, 15, 30)),
        # 5 — Tier 4, Thu 09:00: resolved in 1 h without an acknowledgement; no resolve target.
        incident_row(plan, 5, 4, local(26, 9), resolved=local(26, 10)),
        # 6 — Tier 2, the week before (Thu 19 10:00): acknowledged in 30 min, never resolved.
        incident_row(
            plan,
            6,
            2,
            local(19, 10),
            acked=(local(19, 10, 30), sup1),
            resolve_breached=local(19, 14),
        ),
        # 7 — Tier 2, Fri 20 17:00: after the week before's cutoff; resolved on Monday 09:00.
        incident_row(
            plan, 7, 2, local(20, 17), acked=(local(20, 17, 10), sup1), resolved=local(23, 9)
        ),
        # 8 — Tier 3, Thu 06:00, its pages deferred to 09:00: acknowledged 10 min after they
        # went out, resolved 1 h 9 min after.
        incident_row(
            plan,
            8,
            3,
            local(26, 6),
            deferred=local(26, 9),
            acked=(local(26, 9, 10), sup1),
            resolved=local(26, 10, 9),
        ),
    ]
    pages = [
        page_row(1, 1, sup1, local(23, 10)),
        page_row(1, 2, dev1, local(23, 10)),
        page_row(2, 1, sup1, local(24, 22)),
        page_row(2, 2, dev1, local(24, 22)),
        page_row(2, 1, sup1, local(24, 22, 5), attempt=2),
        page_row(2, 3, arch, local(24, 22, 15)),
        page_row(3, 1, sup2, local(25, 14)),
        page_row(4, 1, sup1, local(27, 15, 30)),
        page_row(5, 1, sup1, local(26, 9), status=PageStatus.DECLINED),
        page_row(5, 1, sup2, local(26, 9, 2)),
        page_row(6, 1, sup1, local(19, 10)),
        page_row(7, 1, sup1, local(20, 17)),
        page_row(8, 1, sup1, local(26, 9)),
    ]
    runs = [
        run_row(1, "morning", 6, local(23, 9), RunStatus.ON_TIME),
        run_row(2, "morning", 6, local(24, 9), RunStatus.LATE),
        run_row(3, "morning", 6, local(25, 9), RunStatus.MISSED),
        run_row(4, "friday", 4, local(27, 15), RunStatus.ON_TIME),
    ]
    ticks = [
        *(
            {"run_id": 1, "item": n, "ticked_by": sup1, "ticked_at": local(23, 9, 30)}
            for n in range(4)
        ),
        *(
            {"run_id": 2, "item": n, "ticked_by": sup2, "ticked_at": local(24, 10)}
            for n in range(6)
        ),
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(Incident.__table__), incidents)
        conn.execute(sa.insert(Page.__table__), pages)
        conn.execute(sa.insert(ChecklistRun.__table__), runs)
        conn.execute(sa.insert(ChecklistTick.__table__), ticks)
        conn.execute(
            sa.insert(IncidentEvent.__table__),
            [
                {
                    "incident_id": 3,
                    "at": local(25, 14, 10),
                    "actor": sup2,
                    "kind": "tier_changed",
                    "text": "4 → 3",
                },
            ],
        )
        if engine.dialect.name == "postgresql":
            # Rows written with their ids: move the sequences past them.
            for table in ("incidents", "checklist_runs"):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )


def minutes(value: float) -> timedelta:
    """A duration in minutes (fractions allowed)."""
    return timedelta(minutes=value)
