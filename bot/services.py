"""The composition root for the core: builds every service from settings and plan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.checklists import ChecklistDelivery, ChecklistService
from bot.checks import JobBoard, LiveChecks
from bot.clock import Clock, SystemClock
from bot.config import Plan, Settings
from bot.incidents import TITLE_LIMIT, IncidentDelivery, IncidentService
from bot.monitoring import AlertDelivery, AlertService, MonitorRunner
from bot.oncall import OnCallDelivery, OnCallService
from bot.paging import EscalationService, PageDelivery, Pager
from bot.reports import ReportDelivery, ReportService
from bot.runbooks import DEFAULT_FOLDER, RunbookLibrary, RunbookService, load_runbooks
from bot.slack import (
    AcksFirst,
    DeliveryWorker,
    Kind,
    Outbox,
    Renderer,
    SeenRequests,
    SlackGateway,
    web_client,
)
from bot.status import StatusBoard
from bot.store import (
    APP_CONNECTIONS,
    OutboxMessage,
    OutboxStatus,
    async_engine,
    beat,
    install_id,
    record_first_start,
    session_factory,
)

log = logging.getLogger(__name__)

# Load balancers give a health check a few seconds; a database that takes no write within
# this is as good as down for the people declaring.
HEALTH_WRITE_WITHIN = 1.5


@dataclass
class Services:
    """Everything a listener or job may call."""

    settings: Settings
    plan: Plan
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    gateway: SlackGateway
    render: Renderer
    incidents: IncidentService
    oncall: OnCallService
    escalation: EscalationService
    checklists: ChecklistService
    jobs: JobBoard
    checks: LiveChecks
    runbooks: RunbookService
    reports: ReportService
    monitors: MonitorRunner
    alerts: AlertService
    worker: DeliveryWorker
    seen: SeenRequests
    acks: AcksFirst
    status: StatusBoard
    _health_write: asyncio.Task[int] | None = field(default=None, init=False, repr=False)

    async def health(self) -> dict[str, Any]:
        """The database took a write just now, and how much is waiting to go to Slack.

        Raises TimeoutError when the write takes longer than HEALTH_WRITE_WITHIN."""
        if self._health_write is None or self._health_write.done():
            self._health_write = asyncio.ensure_future(self._write_heartbeat())
        # Shielded: a write stuck behind a lock is left to finish on its own, and checks that
        # come meanwhile wait on that same write instead of queueing more behind the lock.
        pending = await asyncio.wait_for(asyncio.shield(self._health_write), HEALTH_WRITE_WITHIN)
        return {"ok": True, "outbox_pending": pending}

    async def _write_heartbeat(self) -> int:
        async with self.sessions.begin() as session:
            await beat(session, self.clock.now())
            pending = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
            )
        return int(pending or 0)

    async def start(self) -> None:
        """Open connection pools (inside the running event loop); the first start on this
        database is recorded, so schedules never count slots from before it as missed."""
        await self.gateway.start()
        try:
            await record_first_start(self.sessions, self.clock.now())
        except SQLAlchemyError:
            log.warning("the database is not reachable at start: the first start is not recorded")

    async def close(self) -> None:
        """Release connections."""
        await self.gateway.close()
        await self.checks.close()
        await self.monitors.close()
        await self.seen.close()
        await self.engine.dispose()


def build_services(settings: Settings, plan: Plan, clock: Clock | None = None) -> Services:
    """Wire the core together."""
    clock = clock or SystemClock()
    engine = async_engine(settings.database_url, inline=True, connections=APP_CONNECTIONS)
    sessions = session_factory(engine)
    outbox = Outbox(clock)
    acks = AcksFirst()
    # Read once: every marker the bot puts on a message carries it (see find_marked).
    gateway = SlackGateway(
        web_client(settings.bot_token, settings.api_url),
        install_id=_install_id_reader(settings.database_url),
    )
    render = Renderer(plan)
    oncall = OnCallService(sessions, plan, outbox, clock)
    pager = Pager(outbox, clock, oncall)
    incidents = IncidentService(sessions, plan, outbox, clock, pager, oncall=oncall)
    delivery = IncidentDelivery(
        sessions=sessions, gateway=gateway, renderer=render, plan=plan, outbox=outbox, clock=clock
    )
    jobs = JobBoard()
    # The bot's own engine serves database checks of its own database: no pool of their own.
    checks = LiveChecks(database_url=settings.database_url, engine=engine, job_health=jobs.snapshot)
    runbooks, problems = load_runbooks(
        Path(plan.runbooks_dir) if plan.runbooks_dir else DEFAULT_FOLDER
    )
    for problem in problems:
        log.warning("runbook not loaded: %s", problem)
    library = RunbookLibrary(runbooks)
    checklists = ChecklistService(
        sessions, plan, outbox, clock, checks=checks, runbook_steps=library.steps
    )
    render.add_global("runbook_for", library.for_category)
    # The declare form's title field holds what a typed title is cut to (bot/incidents/titles).
    render.add_global("title_limit", TITLE_LIMIT)
    reports = ReportService(sessions, plan, outbox, clock, render)
    page_delivery = PageDelivery(
        sessions=sessions, gateway=gateway, renderer=render, clock=clock, pager=pager
    )
    checklist_delivery = ChecklistDelivery(
        checklists=checklists, gateway=gateway, renderer=render, plan=plan, incidents=incidents
    )
    return Services(
        settings=settings,
        plan=plan,
        clock=clock,
        engine=engine,
        sessions=sessions,
        outbox=outbox,
        gateway=gateway,
        render=render,
        incidents=incidents,
        oncall=oncall,
        escalation=EscalationService(sessions, outbox, clock, pager),
        checklists=checklists,
        jobs=jobs,
        checks=checks,
        runbooks=RunbookService(
            sessions=sessions,
            outbox=outbox,
            clock=clock,
            library=library,
            problems=problems,
            incidents=incidents,
            checks=checks,
        ),
        reports=reports,
        monitors=MonitorRunner(
            sessions,
            plan,
            clock,
            outbox,
            incidents,
            database_url=settings.database_url,
            engine=engine,
        ),
        alerts=AlertService(sessions, plan, outbox, clock, oncall),
        worker=DeliveryWorker(
            sessions,
            outbox,
            clock,
            {
                **delivery.handlers(),
                **checklist_delivery.handlers(),
                **page_delivery.handlers(),
                **OnCallDelivery(
                    oncall=oncall, gateway=gateway, renderer=render, plan=plan
                ).handlers(),
                **ReportDelivery(
                    reports=reports,
                    gateway=gateway,
                    plan=plan,
                    sessions=sessions,
                    outbox=outbox,
                    clock=clock,
                ).handlers(),
                **AlertDelivery(
                    sessions=sessions, gateway=gateway, renderer=render, clock=clock
                ).handlers(),
            },
            # Pages are marked attempted before the incidents are read: the reads share one.
            claimed={**page_delivery.claimed(), **delivery.claimed()},
            acks=acks,
            first={Kind.PAGE},
        ),
        seen=SeenRequests(sessions, clock, database_url=settings.database_url),
        acks=acks,
        status=StatusBoard(sessions, plan, clock),
    )


def _install_id_reader(database_url: str) -> Callable[[], str]:
    """The install id, read now while nothing else holds the database (a read inside a
    delivery's transaction would wait on it); read at the first marker only when the
    database cannot be reached at start."""
    try:
        known = install_id(database_url)
    except SQLAlchemyError:
        log.warning("the database is not reachable at start: the install id is read later")
        return lambda: install_id(database_url)
    return lambda: known
