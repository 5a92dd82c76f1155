"""The scheduler builds itself from the job registry: the same jobs, cadences and names."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from bot import logs
from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.logs import QUIET_LOGGERS
from bot.services import Services, build_services
from bot.store import MonitorRollup, MonitorSample, RollupPeriod, SampleState
from scheduled.jobs import MINUTE, Job, job, jobs, periodic
from scheduled.scheduler import add_jobs, start_scheduler

STABLE_NAMES = {"checklists", "reports", "sla-watcher", "oncall-handoff", "outbox"}


@pytest.fixture
async def services(sqlite_url: str, plan: Plan) -> AsyncIterator[Services]:
    # Friday 15:00 in New York: no checklist slot is due, the handoff is announced.
    clock = FixedClock(datetime(2026, 11, 27, 20, 0, tzinfo=UTC))
    built = build_services(Settings(database_url=sqlite_url), plan, clock)
    yield built
    await built.close()


async def nothing(_: Services) -> object:
    return None


async def test_the_scheduler_runs_exactly_the_registrys_periodic_jobs(services, caplog):
    registry = {j.name: j for j in periodic(services)}
    assert set(registry) == {
        "checklists",
        "reports",
        "sla-watcher",
        "oncall-handoff",
        "monitor-retention",
    }
    caplog.set_level(logging.INFO, logger="apscheduler")
    scheduler = start_scheduler(services)
    try:
        scheduled = {s.id: s for s in scheduler.get_jobs()}
        assert set(scheduled) == set(registry)
        for name, entry in registry.items():
            trigger = scheduled[name].trigger
            assert isinstance(trigger, IntervalTrigger)
            assert trigger.interval == entry.every
            assert scheduled[name].name == entry.title
        # Each runs at start, long before its first interval has passed, and records the run.
        async with asyncio.timeout(30):
            while any(r["runs"] == 0 for r in services.jobs.snapshot()):
                await asyncio.sleep(0.05)
        board = {r["name"]: r for r in services.jobs.snapshot()}
        assert set(board) == set(registry)
        assert all(r["failures"] == 0 and r["next_run"] for r in board.values()), board
    finally:
        scheduler.shutdown(wait=False)
    ran = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Running job")]
    assert not any("<locals>" in line for line in ran), ran
    for entry in registry.values():
        assert any(line.startswith(f'Running job "{entry.title} (') for line in ran), ran


async def test_a_job_not_run_at_start_waits_one_interval(services):
    probe = Job("probe", "Probe the site", nothing, every=timedelta(seconds=90))
    scheduler = AsyncIOScheduler(timezone=UTC)
    add_jobs(scheduler, services, [probe])
    scheduler.start()
    try:
        (only,) = scheduler.get_jobs()
        assert (only.id, only.name) == ("probe", "Probe the site")
        wait = only.next_run_time - datetime.now(UTC)
        assert timedelta(seconds=85) < wait <= timedelta(seconds=90)
    finally:
        scheduler.shutdown(wait=False)


def test_a_job_without_an_interval_cannot_be_scheduled(services):
    with pytest.raises(ValueError, match="outbox"):
        add_jobs(AsyncIOScheduler(timezone=UTC), services, [job(services, "outbox")])


def test_every_job_name_is_stable_and_unique(services):
    names = [j.name for j in jobs(services)]
    assert len(names) == len(set(names))
    assert STABLE_NAMES <= set(names)
    assert {f"checklist:{c.name}" for c in services.plan.checklists} <= set(names)
    assert job(services, "sla-watcher").schedule == "every minute"
    assert job(services, "outbox").schedule == "continuously"
    morning = services.plan.checklists[0]
    assert job(services, f"checklist:{morning.name}").schedule == morning.schedule
    with pytest.raises(KeyError):
        job(services, "nope")


@pytest.mark.parametrize(
    ("every", "said"),
    [
        (timedelta(minutes=1), "every minute"),
        (timedelta(seconds=30), "every 30 seconds"),
        (timedelta(minutes=5), "every 5 minutes"),
        (timedelta(hours=1), "every hour"),
        (timedelta(seconds=90), "every 90 seconds"),
    ],
)
def test_cadences_read_as_people_say_them(every, said):
    assert Job("x", "x", nothing, every=every).schedule == said


@pytest.fixture
def configured_stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The process's logging as the CLI configures it, writing to a buffer; put back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    logs.configure(logging.INFO)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in quiet.items():
        logging.getLogger(name).setLevel(was)


async def test_routine_job_runs_and_requests_leave_no_line_at_info(services, configured_stderr):
    scheduler = start_scheduler(services)
    try:
        async with asyncio.timeout(30):
            while any(r["runs"] == 0 for r in services.jobs.snapshot()):
                await asyncio.sleep(0.05)
    finally:
        scheduler.shutdown(wait=False)
    answer = httpx.MockTransport(lambda _: httpx.Response(200))
    async with httpx.AsyncClient(transport=answer) as client:
        await client.get("https://status.example.com/health?token=secret")
    logging.getLogger("supportbot").info("still heard")
    written = configured_stderr.getvalue()
    assert "INFO supportbot: still heard" in written
    for routine in ("Running job", "executed successfully", "<locals>", "HTTP Request", "secret"):
        assert routine not in written, written


async def test_the_retention_job_deletes_only_what_retention_no_longer_keeps(services):
    now = services.clock.now()
    ages = [timedelta(days=1), timedelta(days=8), timedelta(days=300), timedelta(days=401)]
    async with services.sessions.begin() as session:
        for age in ages:
            at = now - age
            session.add(
                MonitorSample(monitor="web", at=at, until=at + MINUTE, state=SampleState.UP)
            )
            session.add(MonitorRollup(monitor="web", period=RollupPeriod.DAY, start=at))
    assert await job(services, "monitor-retention").run(services) == {"samples": 3, "rollups": 1}
    async with services.sessions() as session:
        kept = await session.scalars(select(MonitorSample.at))
        assert list(kept) == [now - timedelta(days=1)]
        left = await session.scalars(select(MonitorRollup.start).order_by(MonitorRollup.start))
        assert list(left) == [now - age for age in reversed(ages[:3])]
