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


async def post_due_checklists(services: Services) -> object:
    """Post every checklist whose slot has come (late within the grace period)."""
    return [run.checklist for run in await services.checklists.post_due()]


async def watch_slas(services: Services) -> object:
    """Run every escalation step that has fallen due: re-pages, hand-overs, breaches."""
    done = await services.escalation.run_due()
    return {"due": done.due, "done": done.done, "failed": done.failed}


async def announce_handoff(services: Services) -> object:
    """Announce today's on-call handoff in the ops channel, once, when its time has come."""
    slot = await services.oncall.announce_due_handoff()
    return slot.isoformat() if slot else None


def _post_checklist(name: str) -> Callable[[Services], Awaitable[object]]:
    async def post(services: Services) -> object:
        return (await services.checklists.post_now(name, by=None)).id

    return post


def jobs(services: Services) -> list[Job]:
    """Every job of this plan: each checklist on its schedule, the checklist pass, the outbox."""
    return [
        *(
            Job(f"checklist:{c.name}", f"Post {c.title}", c.schedule, _post_checklist(c.name))
            for c in services.plan.checklists
        ),
        Job("checklists", "Post checklists that are due", "every minute", post_due_checklists),
        Job(
            "sla-watcher",
            "SLA watcher: re-page, hand over, mark breaches",
            "every minute",
            watch_slas,
        ),
        Job("oncall-handoff", "Announce the on-call handoff", "every minute", announce_handoff),
        Job("outbox", "Deliver queued Slack messages", "continuously", deliver_outbox),
    ]


def job(services: Services, name: str) -> Job:
    """A job by name; KeyError when there is none."""
    for candidate in jobs(services):
        if candidate.name == name:
            return candidate
    raise KeyError(name)
