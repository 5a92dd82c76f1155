"""The status page (`GET /status`): every monitor's state, uptime, daily bars, firing alerts
and incidents, read-only and with nothing secret on it."""

from __future__ import annotations

from bot.status.board import StatusBoard
from bot.status.html import render_status
from bot.status.views import Banner, Shown, StatusPage

__all__ = ["Banner", "Shown", "StatusBoard", "StatusPage", "render_status"]
