"""Live checks (host, http, database, tls, metric, sql, jobs) and the health of scheduled jobs."""

from __future__ import annotations

from bot.checks.job_health import JobBoard, JobHealth
from bot.checks.live import DEFAULT_TIMEOUT, run_check
from bot.checks.metric import CounterReads
from bot.checks.network import der_not_after
from bot.checks.result import CheckResult, Status
from bot.checks.runner import LiveChecks

__all__ = [
    "DEFAULT_TIMEOUT",
    "CheckResult",
    "CounterReads",
    "JobBoard",
    "JobHealth",
    "LiveChecks",
    "Status",
    "der_not_after",
    "run_check",
]
