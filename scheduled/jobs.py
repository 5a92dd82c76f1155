"""The job registry: what runs, when, and how to run it now. The scheduler and the playground's
job panel both read it, so a job is added in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.checklists import link_to
from bot.monitoring.samples import apply_retention
from bot.reports import ReportRequest
from bot.services import Services
from bot.store import ReportKind

Work = Callable[[Services], Awaitable[object]]
MINUTE = timedelta(minutes=1)
# How often the runner looks for due monitors: a monitor's check is at most this late.
MONITORS_EVERY = timedelta(seconds=5)


@dataclass(frozen=True)
class Job:
    """One job: a stable name, what it does, the coroutine that does it, and its cadence.

    every: the scheduler runs it at that interval; None when something else runs it (the
    outbox worker, or the checklists pass for one checklist) and only "run now" is offered.
    at_start: also run as soon as the bot starts, so what fell due while it was down runs
    when it is back."""

    name: str
    title: str
    run: Work
    every: timedelta | None = None
    at_start: bool = False
    when: str = ""

    @property
    def periodic(self) -> bool:
        """Whether the scheduler runs this job."""
        return self.every is not None

    @property
    def schedule(self) -> str:
        """The cadence for people: the playground shows it beside the job."""
        if self.every is None:
            return self.when or "on demand"
        return f"every {_duration(self.every)}"


def _duration(every: timedelta) -> str:
    seconds = int(every.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            count = seconds // size
            return unit if count == 1 else f"{count} {unit}s"
    raise AssertionError("unreachable: every duration is a whole number of seconds")


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


async def run_monitors(services: Services) -> object:
    """Check every monitor that is due, and raise, remind or recover its alerts."""
    return await services.monitors.run_due()


async def announce_handoff(services: Services) -> object:
    """Announce today's on-call handoff in the ops channel, once, when its time has come."""
    slot = await services.oncall.announce_due_handoff()
    return slot.isoformat() if slot else None


async def post_due_reports(services: Services) -> object:
    """Post every report whose slot has come (late within the grace period), once a slot."""
    return [f"{r.kind.value} {r.label}" for r in await services.reports.post_due()]


async def prune_monitor_samples(services: Services) -> object:
    """Delete monitor samples and rollups older than monitoring.retention keeps them."""
    return await apply_retention(services.sessions, services.plan, services.clock.now())


def _post_report(kind: ReportKind) -> Work:
    async def post(services: Services) -> object:
        return (await services.reports.post_now(ReportRequest(kind), by=None)).id

    return post


class Note(str):
    """What a job run by hand has to tell whoever ran it, in words (the panel shows it)."""

    __slots__ = ()


def _post_checklist(name: str) -> Work:
    async def post(services: Services) -> object:
        posting = await services.checklists.post_now(name, by=None)
        if not posting.already_posted:
            return posting.run.id
        run = posting.run
        link = await link_to(services.gateway, run)
        return Note(services.render.notice("checklist_already_posted", run=run, link=link).text)

    return post


def jobs(services: Services) -> list[Job]:
    """Every job of this plan: each checklist on its schedule, the periodic passes, the outbox."""
    return [
        # The checklists pass posts these on their schedule; the entries are for "run now".
        *(
            Job(f"checklist:{c.name}", f"Post {c.title}", _post_checklist(c.name), when=c.schedule)
            for c in services.plan.checklists
        ),
        Job(
            "checklists",
            "Post checklists that are due",
            post_due_checklists,
            every=MINUTE,
            at_start=True,
        ),
        # The reports pass posts these on their schedules; the entries are for "run now".
        *(
            Job(f"report:{kind}", f"Post the {kind} report", _post_report(kind), when=when)
            for kind in ReportKind
            if (when := getattr(services.plan.reports.schedules, kind.value))
        ),
        Job(
            "reports",
            "Post reports that are due (daily, weekly, monthly, quarterly)",
            post_due_reports,
            every=MINUTE,
            at_start=True,
        ),
        Job(
            "sla-watcher",
            "SLA watcher: re-page, hand over, mark breaches",
            watch_slas,
            every=MINUTE,
            at_start=True,
        ),
        # Only with monitors configured: a pass every few seconds with nothing to do is noise.
        *(
            [
                Job(
                    "monitors",
                    "Run monitors' checks that are due; raise, remind and recover alerts",
                    run_monitors,
                    every=MONITORS_EVERY,
                    at_start=True,
                )
            ]
            if services.plan.monitors
            else []
        ),
        Job(
            "oncall-handoff",
            "Announce the on-call handoff",
            announce_handoff,
            every=MINUTE,
            at_start=True,
        ),
        Job(
            "monitor-retention",
            "Delete monitor samples and rollups past their retention",
            prune_monitor_samples,
            every=timedelta(hours=1),
            at_start=True,
        ),
        # The outbox worker delivers as soon as something is queued, outside the scheduler.
        Job("outbox", "Deliver queued Slack messages", deliver_outbox, when="continuously"),
    ]


def periodic(services: Services) -> list[Job]:
    """The jobs the scheduler runs."""
    return [j for j in jobs(services) if j.periodic]


def job(services: Services, name: str) -> Job:
    """A job by name; KeyError when there is none."""
    for candidate in jobs(services):
        if candidate.name == name:
            return candidate
    raise KeyError(name)
