"""How a report reaches Slack: the post, its continuation in the thread, then each chart.

Each is its own outbox message on the report's key, so they go out in that order, and a chart
that fails to upload is retried on its own: the text is never held back or lost for it."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.checklists import complete_item
from bot.clock import Clock
from bot.config import Plan
from bot.reports.charts import draw
from bot.reports.service import ReportService, ReportView
from bot.slack import Handler, Kind, Outbox, SlackGateway, Writeback, find_marked
from bot.store import Report, ReportKind

POST_EVENT = "supportbot_report"


class ReportDelivery:
    """The outbox handlers for reports."""

    def __init__(
        self,
        *,
        reports: ReportService,
        gateway: SlackGateway,
        plan: Plan,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox,
        clock: Clock,
    ) -> None:
        self._reports = reports
        self._gateway = gateway
        self._plan = plan
        self._sessions = sessions
        self._outbox = outbox
        self._clock = clock

    def handlers(self) -> dict[str, Handler]:
        """Outbox kind → handler."""
        return {
            Kind.POST_REPORT: self.post,
            Kind.REPORT_PART: self.part,
            Kind.REPORT_CHART: self.chart,
        }

    async def _report(self, report_id: int, *, posted: bool = False) -> ReportView:
        report = await self._reports.get(report_id)
        if report is None:
            raise LookupError(f"report {report_id} no longer exists")
        if posted and not report.ts:
            raise LookupError(f"report {report_id} was never posted")
        return report

    async def post(self, payload: dict[str, Any]) -> Writeback | None:
        """The report in the reports channel. Posted once: the message carries the report id,
        and a retry first looks for it."""
        report = await self._report(payload["report"])
        if report.ts:
            return None
        marker = self._gateway.marker(POST_EVENT, report=report.id)
        ts, channel = None, report.channel
        if payload.get("attempt", 1) > 1:
            ts = await find_marked(self._gateway, channel, marker, since=report.created_at)
        if ts is None:
            response = await self._gateway.post(
                channel, report.messages[0], once=True, metadata=marker
            )
            ts, channel = str(response["ts"]), str(response.get("channel") or channel)
        if report.kind == ReportKind.WEEKLY and self._plan.reports.weekly_checklist_item:
            await self._tick_checklist(report, channel, ts)

        async def keep_ts(session: AsyncSession) -> None:
            row = await session.get(Report, report.id)
            if row is not None:
                row.ts, row.channel = ts, channel

        return keep_ts

    async def _tick_checklist(self, report: ReportView, channel: str, ts: str) -> None:
        """The week's "Weekly summary report" item: ticked, and linked to the post."""
        item = self._plan.reports.weekly_checklist_item
        assert item is not None
        link = await self._gateway.call("chat.getPermalink", channel=channel, message_ts=ts)
        await complete_item(
            self._sessions,
            self._outbox,
            self._clock,
            item=item,
            since=report.period_start,
            until=report.period_end,
            link=str(link["permalink"]),
        )

    async def part(self, payload: dict[str, Any]) -> Writeback | None:
        """A continuation of a report too long for one message, in its thread."""
        report = await self._report(payload["report"], posted=True)
        await self._gateway.post(
            report.channel, report.messages[payload["part"]], thread_ts=report.ts
        )
        return None

    async def chart(self, payload: dict[str, Any]) -> Writeback | None:
        """A chart as a PNG in the report's thread, with its alt text; the bot joins the
        channel first (Slack refuses to share a file where the bot is not a member)."""
        report = await self._report(payload["report"], posted=True)
        name = payload["chart"]
        if report.files.get(name):
            return None
        spec = next((c for c in report.charts if c["name"] == name), None)
        if spec is None:
            raise LookupError(f"report {report.id} has no chart {name}")
        # Drawing takes a CPU-bound moment: off the event loop, so acks are not held up.
        png = await asyncio.to_thread(draw, spec)
        await self._gateway.join(report.channel)
        response = await self._gateway.upload(
            report.channel,
            png,
            filename=f"{report.kind.value}-{name}.png",
            title=spec["title"],
            alt_text=spec["alt"],
            thread_ts=report.ts,
        )
        file_id = str((response.get("file") or response["files"][0])["id"])

        async def keep_file(session: AsyncSession) -> None:
            row = await session.get(Report, report.id, with_for_update=True)
            if row is not None:
                row.files = {**(row.files or {}), name: file_id}

        return keep_file
