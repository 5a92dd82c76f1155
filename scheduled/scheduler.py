"""APScheduler wiring: the periodic jobs of a running bot."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.services import Services
from scheduled.jobs import announce_handoff, post_due_checklists, watch_slas

log = logging.getLogger(__name__)

# Every minute, and once at start: what fell due while the bot was down runs when it is back.
EVERY_MINUTE: dict[str, Callable[[Services], Awaitable[object]]] = {
    "checklists": post_due_checklists,
    "sla-watcher": watch_slas,
    "oncall-handoff": announce_handoff,
}


def start_scheduler(services: Services) -> AsyncIOScheduler:
    """Start the periodic passes; each runs at once and then every minute."""
    scheduler = AsyncIOScheduler(timezone=services.plan.zone)
    for name, work in EVERY_MINUTE.items():
        scheduler.add_job(
            _recorded(scheduler, services, name, work),
            IntervalTrigger(minutes=1, timezone=services.plan.zone),
            id=name,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=60,
        )
    scheduler.start()
    for name in EVERY_MINUTE:
        services.jobs.scheduled(name, scheduler.get_job(name).next_run_time)
    return scheduler


def _recorded(
    scheduler: AsyncIOScheduler,
    services: Services,
    name: str,
    work: Callable[[Services], Awaitable[object]],
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        ok = False
        try:
            await work(services)
            ok = True
        except Exception:
            log.exception("%s pass failed", name)
        finally:
            job = scheduler.get_job(name)
            services.jobs.ran(
                name, services.clock.now(), ok=ok, next_run=job.next_run_time if job else None
            )

    return run
