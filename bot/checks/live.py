"""Live checks a runbook step or checklist item can carry, run by the bot and shown inline.

A check never raises: whatever happens, it ends in a `CheckResult` with one line for people.
`fail` means the thing checked is down or wrong; `unknown` means the check itself could not run.
Summaries name exception types only, never their messages, so no secret (a password in a
database URL, a token in a header) can reach a Slack message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.checks.database import CheckEngines, check_database
from bot.checks.host import check_host
from bot.checks.job_health import JobHealth, check_jobs
from bot.checks.metric import PROCESS_READS, CounterReads, check_metric
from bot.checks.network import check_http, check_tls
from bot.checks.result import CheckResult, Status
from bot.checks.sql import check_sql
from bot.clock import Clock, SystemClock
from bot.config import (
    AnyCheck,
    CheckSpec,
    DatabaseCheck,
    HostCheck,
    HttpCheck,
    MetricCheck,
    SqlCheck,
    TlsCheck,
)

# Every check is bounded; a runbook or checklist post waits at most this long for its checks.
DEFAULT_TIMEOUT = 5.0


async def run_check(
    spec: CheckSpec | AnyCheck,
    *,
    database_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    job_health: JobHealth | None = None,
    clock: Clock | None = None,
    engines: CheckEngines | None = None,
    reads: CounterReads = PROCESS_READS,
) -> CheckResult:
    """Run one check within its own `timeout:` or else `timeout` seconds; never raises (except
    on cancellation). What it measured is in the result's `values`.

    `database_url` is the bot's own database, for a `database` or `sql` check without a `url`;
    `job_health` lists the bot's scheduled jobs, for a `jobs` check; `engines` are the
    process's database engines (without them a database check opens and closes its own);
    `reads` keeps counters' previous reads for their rates (the process's by default).
    """
    check = spec.root if isinstance(spec, CheckSpec) else spec
    timeout = getattr(check, "timeout", None) or timeout
    now = (clock or SystemClock()).now
    started = time.perf_counter()
    status: Status
    values: dict[str, float] = {}
    try:
        status, summary = await asyncio.wait_for(
            _run(check, _Context(database_url, timeout, job_health, now, engines, reads), values),
            timeout,
        )
    except TimeoutError:
        status, summary = _timed_out(check, timeout)
    except Exception as exc:  # a bug or an environment we did not foresee: say what, not how
        status, summary = "unknown", f"check could not run: {type(exc).__name__}"
    took_ms = round((time.perf_counter() - started) * 1000)
    return CheckResult(status=status, summary=summary, took_ms=took_ms, values=values)


@dataclass(frozen=True)
class _Context:
    database_url: str | None
    timeout: float
    job_health: JobHealth | None
    now: Callable[[], datetime]
    engines: CheckEngines | None
    reads: CounterReads


async def _run(check: AnyCheck, context: _Context, values: dict[str, float]) -> tuple[Status, str]:
    """Run the check, filling `values` as it measures (so a timeout keeps what was read)."""
    own_database = context.database_url
    if isinstance(check, HostCheck):
        return await check_host(check, values)
    if isinstance(check, HttpCheck):
        return await check_http(check, context.timeout, values)
    if isinstance(check, DatabaseCheck):
        return await check_database(check.url or own_database, context.engines, values)
    if isinstance(check, TlsCheck):
        return await check_tls(check, context.now(), values)
    if isinstance(check, MetricCheck):
        return await check_metric(check, context.timeout, values, context.reads)
    if isinstance(check, SqlCheck):
        return await check_sql(check, own_database, context.timeout, values, context.engines)
    return check_jobs(context.job_health, context.now())


def _timed_out(check: AnyCheck, timeout: float) -> tuple[Status, str]:
    if isinstance(check, HttpCheck | DatabaseCheck | TlsCheck | MetricCheck | SqlCheck):
        return "fail", f"no answer within {timeout:g} s"
    return "unknown", f"check did not finish within {timeout:g} s"
