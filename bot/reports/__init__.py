"""Reports: daily metrics, the Friday summary, monthly and quarterly reviews, success metrics,
charts, and the App Home's last 7 days."""

from __future__ import annotations

from bot.reports.commands import ReportRequest, parse
from bot.reports.delivery import ReportDelivery
from bot.reports.figures import Figures, Share, Spread
from bot.reports.periods import Period
from bot.reports.report import Report
from bot.reports.service import ReportService, ReportView

__all__ = [
    "Figures",
    "Period",
    "Report",
    "ReportDelivery",
    "ReportRequest",
    "ReportService",
    "ReportView",
    "Share",
    "Spread",
    "parse",
]
