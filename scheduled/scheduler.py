"""APScheduler wiring: the periodic jobs of a running bot."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.services import Services
from scheduled.jobs import post_due_checklists

log = logging.getLogger(__name__)


def start_scheduler(services: Services) -> AsyncIOScheduler:
    """Start the jobs; the checklist pass runs at once, so slots missed while down post late."""
    scheduler = AsyncIOScheduler(timezone=services.plan.zone)

    async def checklists(services: Services) -> None:
        ok = False
        try:
            await post_due_checklists(services)
            ok = True
        except Exception:
            log.exception("checklist pass failed")
        finally:
            job = scheduler.get_job("checklists")
            services.jobs.ran(
                "checklists",
                services.clock.now(),
                ok=ok,
                next_run=job.next_run_time if job else None,
            )

    scheduler.add_job(
        checklists,
        IntervalTrigger(minutes=1, timezone=services.plan.zone),
        args=[services],
        id="checklists",
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=60,
    )
    scheduler.start()
    services.jobs.scheduled("checklists", scheduler.get_job("checklists").next_run_time)
    return scheduler
