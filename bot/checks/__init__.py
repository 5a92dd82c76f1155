"""Live checks (host, http, database, tls, jobs) and the health of scheduled jobs."""

from __future__ import annotations

from bot.checks.job_health import JobBoard
from bot.checks.live import JobHealth, run_checks

__all__ = ["JobBoard", "JobHealth", "run_checks"]
