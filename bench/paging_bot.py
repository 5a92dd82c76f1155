"""supportbot for the paging benchmark: the real app, with a clock that makes paging happen now.

Served by `uvicorn --factory bench.paging_bot:create`. Like `supportbot serve`, but with the seed
plan (not a config file), a TravelClock started at BENCH_CLOCK_START (default Wednesday
2026-11-04 10:00 in New York: business hours, launch fortnight, so a Tier 1 incident pages levels
1 and 2 at once) and the periodic jobs off, so no checklist, handoff or re-page runs during it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from starlette.applications import Starlette

from bot.app import create_asgi
from bot.clock import TravelClock
from bot.config import Plan, Settings
from bot.oncall import Calendar, Phase
from bot.services import build_services
from bot.store import upgrade

WEDNESDAY_MORNING = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


def clock_start() -> datetime:
    given = os.environ.get("BENCH_CLOCK_START")
    return datetime.fromisoformat(given) if given else WEDNESDAY_MORNING


def check_pages_now(plan: Plan, at: datetime) -> None:
    """Fail early unless a Tier 1 incident declared at `at` pages levels 1 and 2 by DM at once."""
    calendar = Calendar(plan)
    if not calendar.is_business_hours(at) or calendar.phase(at) is not Phase.ALL_HANDS:
        raise SystemExit(f"{at} is not in business hours of the launch fortnight")


def create() -> Starlette:
    settings = Settings.from_env()
    plan = Plan()
    start = clock_start()
    check_pages_now(plan, start)
    upgrade(settings.database_url)
    services = build_services(settings, plan, TravelClock(start))
    return create_asgi(services, schedule=False)
