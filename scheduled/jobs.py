"""Scheduled jobs as data: what runs, when, and how to run it now (the playground's panel)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.services import Services


@dataclass(frozen=True)
class Job:
    """One job: a stable name, what it does, and the coroutine that does it."""

    name: str
    title: str
    schedule: str
    run: Callable[[Services], Awaitable[object]]


async def deliver_outbox(services: Services) -> object:
    """Deliver everything queued for Slack that is due."""
    return await services.worker.deliver_due()


JOBS: tuple[Job, ...] = (
    Job("outbox", "Deliver queued Slack messages", "continuously, and when woken", deliver_outbox),
)


def job(name: str) -> Job:
    """A job by name; KeyError when there is none."""
    for candidate in JOBS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
