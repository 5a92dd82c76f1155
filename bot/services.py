"""The composition root for the core: builds every service from settings and plan."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.checklists import ChecklistDelivery, ChecklistService
from bot.checks import JobBoard
from bot.clock import Clock, SystemClock
from bot.config import Plan, Settings
from bot.incidents import IncidentDelivery, IncidentService
from bot.oncall import OnCallDelivery, OnCallService
from bot.paging import EscalationService, PageDelivery, Pager
from bot.reports import ReportDelivery, ReportService
from bot.runbooks import DEFAULT_FOLDER, RunbookLibrary, RunbookService, load_runbooks
from bot.slack import DeliveryWorker, Outbox, Renderer, SlackGateway, web_client
from bot.store import OutboxMessage, OutboxStatus, async_engine, session_factory

log = logging.getLogger(__name__)


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
    runbooks: RunbookService
    reports: ReportService
    worker: DeliveryWorker

    async def health(self) -> dict[str, Any]:
        """Database reachable, and how much is waiting to go to Slack."""
        async with self.sessions() as session:
            await session.execute(text("SELECT 1"))
            pending = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
            )
        return {"ok": True, "outbox_pending": int(pending or 0)}

    async def start(self) -> None:
        """Open connection pools (inside the running event loop)."""
        await self.gateway.start()

    async def close(self) -> None:
        """Release connections."""
        await self.gateway.close()
        await self.engine.dispose()


def build_services(settings: Settings, plan: Plan, clock: Clock | None = None) -> Services:
    """Wire the core together."""
    clock = clock or SystemClock()
    engine = async_engine(settings.database_url)
    sessions = session_factory(engine)
    outbox = Outbox(clock)
    gateway = SlackGateway(web_client(settings.bot_token, settings.api_url))
    render = Renderer(plan)
    oncall = OnCallService(sessions, plan, outbox, clock)
    pager = Pager(outbox, clock, oncall)
    incidents = IncidentService(sessions, plan, outbox, clock, pager)
    delivery = IncidentDelivery(
        sessions=sessions, gateway=gateway, renderer=render, plan=plan, outbox=outbox, clock=clock
    )
    jobs = JobBoard()
    checklists = ChecklistService(
        sessions,
        plan,
        outbox,
        clock,
        database_url=settings.database_url,
        job_health=jobs.snapshot,
    )
    library, problems = load_runbooks(
        Path(plan.runbooks_dir) if plan.runbooks_dir else DEFAULT_FOLDER
    )
    for problem in problems:
        log.warning("runbook not loaded: %s", problem)
    render.add_global("runbook_for", RunbookLibrary(library).for_category)
    reports = ReportService(sessions, plan, outbox, clock, render)
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
        runbooks=RunbookService(
            sessions=sessions,
            outbox=outbox,
            clock=clock,
            library=RunbookLibrary(library),
            problems=problems,
            incidents=incidents,
            database_url=settings.database_url,
            job_health=jobs.snapshot,
        ),
        reports=reports,
        worker=DeliveryWorker(
            sessions,
            outbox,
            clock,
            {
                **delivery.handlers(),
                **checklist_delivery.handlers(),
                **PageDelivery(
                    sessions=sessions, gateway=gateway, renderer=render, clock=clock, pager=pager
                ).handlers(),
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
            },
        ),
    )
