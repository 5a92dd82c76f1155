"""APScheduler wiring: the registry's periodic jobs, in a running bot."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.services import Services
from scheduled.jobs import Job, periodic

log = logging.getLogger(__name__)


def start_scheduler(services: Services) -> AsyncIOScheduler:
    """Start every periodic job of the registry at its interval (and at once, if it says so)."""
    scheduler = AsyncIOScheduler(timezone=services.plan.zone)
    scheduled = periodic(services)
    add_jobs(scheduler, services, scheduled)
    scheduler.start()
    for job in scheduled:
        services.jobs.scheduled(job.name, scheduler.get_job(job.name).next_run_time)
    return scheduler


def add_jobs(scheduler: AsyncIOScheduler, services: Services, scheduled: list[Job]) -> None:
    """Add periodic jobs, each recording its runs on the job board under its name."""
    for job in scheduled:
        if job.every is None:
            raise ValueError(f"job {job.name} has no interval to schedule it at")
        scheduler.add_job(
            _recorded(scheduler, services, job),
            IntervalTrigger(seconds=job.every.total_seconds(), timezone=services.plan.zone),
            id=job.name,
            # APScheduler logs every run under this name; without it, the closure's qualname.
            name=job.title,
            max_instances=1,
            coalesce=True,
            # A run up to one interval late is still worth doing; later, the next one is due.
            misfire_grace_time=max(1, int(job.every.total_seconds())),
            **({"next_run_time": datetime.now(UTC)} if job.at_start else {}),
        )


def _recorded(
    scheduler: AsyncIOScheduler, services: Services, job: Job
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        ok = False
        try:
            await job.run(services)
            ok = True
        except Exception:
            log.exception("%s pass failed", job.name)
        finally:
            scheduled = scheduler.get_job(job.name)
            services.jobs.ran(
                job.name,
                services.clock.now(),
                ok=ok,
                next_run=scheduled.next_run_time if scheduled else None,
            )

    return run
