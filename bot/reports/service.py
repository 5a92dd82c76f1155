"""Reports: figures on request, posts on request (admins) and on schedule, exactly once a slot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.calendar import Schedule
from bot.clock import Clock
from bot.config import Plan
from bot.errors import NotAllowed
from bot.reports.charts import chart_specs
from bot.reports.commands import ReportRequest
from bot.reports.figures import Figures, compute
from bot.reports.layout import report_messages
from bot.reports.periods import Period
from bot.reports.queries import read_rows
from bot.reports.report import Report, build_report, levels_in, tiers_in
from bot.slack import Kind, Message, Outbox, Renderer
from bot.store import Report as ReportRow
from bot.store import ReportKind, RunStatus

ON_TIME = timedelta(minutes=5)
GLANCE_DAYS = 7


@dataclass(frozen=True)
class ReportView:
    """A report as posted (or missed): where it went and what it holds."""

    id: int
    kind: ReportKind
    status: RunStatus
    label: str
    slot_at: datetime
    period_start: datetime
    period_end: datetime
    channel: str
    ts: str | None
    created_at: datetime
    messages: tuple[Message, ...]
    charts: tuple[dict[str, Any], ...]
    files: dict[str, Any]

    @classmethod
    def of(cls, row: ReportRow, label: str) -> ReportView:
        return cls(
            id=row.id,
            kind=row.kind,
            status=row.status,
            label=label,
            slot_at=row.slot_at,
            period_start=row.period_start,
            period_end=row.period_end,
            channel=row.channel,
            ts=row.ts,
            created_at=row.created_at,
            messages=tuple(Message(**m) for m in (row.messages or {}).get("messages", [])),
            charts=tuple((row.charts or {}).get("charts", [])),
            files=dict(row.files or {}),
        )


def report_key(report_id: int) -> str:
    """The outbox key of a report's messages: the post, then its thread, in order."""
    return f"report:{report_id}"


class ReportService:
    """Builds reports from the database; every post goes through the outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        plan: Plan,
        outbox: Outbox,
        clock: Clock,
        renderer: Renderer,
    ) -> None:
        self._sessions = sessions
        self._plan = plan
        self._outbox = outbox
        self._clock = clock
        self._render = renderer

    def period(self, kind: ReportKind, *, last: bool = False) -> Period:
        """The period so far, or the last complete one."""
        now, zone = self._clock.now(), self._plan.zone
        return Period.last_complete(kind, now, zone) if last else Period.containing(kind, now, zone)

    async def build(self, period: Period, status: RunStatus | None = None) -> Report:
        """A period's report, figures as of its cutoff."""
        async with self._sessions() as session:
            return await build_report(
                session, self._plan, period, generated_at=self._clock.now(), status=status
            )

    def messages(self, report: Report) -> list[Message]:
        """The report rendered within Block Kit's limits."""
        return report_messages(self._render, report)

    async def show(self, request: ReportRequest) -> list[Message]:
        """The report a person asked for, to show them privately."""
        return self.messages(await self.build(self.period(request.kind, last=request.last)))

    async def post_now(self, request: ReportRequest, *, by: str | None) -> ReportView:
        """Post a report in the reports channel now (admins only, when a person asks)."""
        if by is not None and by not in self._plan.admins:
            raise NotAllowed(action="post_report", ref=request.kind.value)
        now = self._clock.now()
        period = self.period(request.kind, last=request.last)
        key = f"{request.kind}:manual:{now.isoformat()}"
        view = await self._create(period, key, now, RunStatus.MANUAL, by=by)
        assert view is not None  # a manual key is unique to the instant
        return view

    def scheduled_period(self, kind: ReportKind, slot: datetime) -> Period:
        """What a scheduled report covers: its day or week up to the slot; the month or quarter
        before the slot's."""
        zone = self._plan.zone
        if kind in (ReportKind.DAILY, ReportKind.WEEKLY):
            return Period.containing(kind, slot, zone)
        return Period.last_complete(kind, slot, zone)

    async def post_due(self) -> list[ReportView]:
        """Post every report whose latest slot has no row yet (late within the grace period,
        else recorded as missed). Safe to run from several processes at once."""
        now = self._clock.now()
        business = tuple(self._plan.business_hours.days)
        posted = []
        for kind in ReportKind:
            spec = getattr(self._plan.reports.schedules, kind.value)
            if spec is None:
                continue
            slot = Schedule.parse(spec).latest_slot(now, self._plan.zone, business)
            if slot is None:
                continue
            key = f"{kind}:{slot.isoformat()}"
            async with self._sessions() as session:
                if await session.scalar(select(ReportRow.id).where(ReportRow.slot_key == key)):
                    continue  # the usual case, every minute: this slot is done
            late = now - slot
            status = RunStatus.ON_TIME if late < ON_TIME else RunStatus.LATE
            if late > self._plan.reports.grace:
                status = RunStatus.MISSED
            view = await self._create(self.scheduled_period(kind, slot), key, slot, status)
            if view is not None and status != RunStatus.MISSED:
                posted.append(view)
        return posted

    async def get(self, report_id: int) -> ReportView | None:
        """One report."""
        async with self._sessions() as session:
            row = await session.get(ReportRow, report_id)
            return ReportView.of(row, self._label(row)) if row else None

    async def latest_chart(self, name: str) -> tuple[ReportView, str] | None:
        """The most recent report with this chart uploaded, and the chart's file id."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ReportRow)
                .where(ReportRow.files.is_not(None))
                .order_by(ReportRow.created_at.desc(), ReportRow.id.desc())
                .limit(20)
            )
            for row in rows:
                found = (row.files or {}).get(name)
                if found:
                    return ReportView.of(row, self._label(row)), str(found)
        return None

    async def glance(self) -> Figures:
        """The last 7 days (today included) as one period, for the App Home."""
        now, zone = self._clock.now(), self._plan.zone
        today = Period.containing(ReportKind.DAILY, now, zone)
        start = Period.containing(
            ReportKind.DAILY, today.start - timedelta(days=GLANCE_DAYS - 1), zone
        ).start
        period = Period(ReportKind.WEEKLY, start, today.end, now, zone)
        async with self._sessions() as session:
            rows = await read_rows(session, period.start, period.cutoff)
        return compute(self._plan, period, rows, tiers_in(self._plan, rows), levels_in(self._plan))

    def _label(self, row: ReportRow) -> str:
        period = Period.containing(row.kind, row.period_start, self._plan.zone)
        return period.label

    async def _create(
        self,
        period: Period,
        key: str,
        slot: datetime,
        status: RunStatus,
        *,
        by: str | None = None,
    ) -> ReportView | None:
        messages: list[Message] = []
        charts: list[dict[str, Any]] = []
        if status != RunStatus.MISSED:
            report = await self.build(period, status)
            messages, charts = self.messages(report), chart_specs(self._render, self._plan, report)
        row = ReportRow(
            kind=period.kind,
            slot_key=key,
            slot_at=slot,
            period_start=period.start,
            period_end=period.end,
            cutoff=period.cutoff,
            status=status,
            channel=self._plan.channel_id(self._plan.reports.channel),
            requested_by=by,
            created_at=self._clock.now(),
            messages={"messages": [m.as_kwargs() for m in messages]} if messages else None,
            charts={"charts": charts} if charts else None,
        )
        try:
            async with self._outbox.transaction(self._sessions) as session:
                session.add(row)
                await session.flush()
                if status != RunStatus.MISSED:
                    await self._queue(session, row.id, len(messages), charts)
        except IntegrityError:
            return None  # this slot was already handled, here or by another process
        return ReportView.of(row, period.label)

    async def _queue(
        self, session: AsyncSession, report_id: int, parts: int, charts: list[dict[str, Any]]
    ) -> None:
        key = report_key(report_id)
        await self._outbox.add(session, Kind.POST_REPORT, key, {"report": report_id})
        for part in range(1, parts):
            await self._outbox.add(
                session, Kind.REPORT_PART, key, {"report": report_id, "part": part}
            )
        for chart in charts:
            await self._outbox.add(
                session, Kind.REPORT_CHART, key, {"report": report_id, "chart": chart["name"]}
            )
