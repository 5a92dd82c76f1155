"""What the bot's own scheduled jobs did (last run, next run, failures) and the jobs check."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.checks.result import Status
from bot.config import format_duration

JobHealth = Callable[[], Sequence[Mapping[str, Any]]]


@dataclass
class _Record:
    last_run: datetime | None = None
    next_run: datetime | None = None
    failures: int = 0
    runs: int = 0


class JobBoard:
    """In-memory health of this process's jobs."""

    def __init__(self) -> None:
        self._jobs: dict[str, _Record] = {}

    def scheduled(self, name: str, next_run: datetime | None) -> None:
        """A job exists and will next run then."""
        self._jobs.setdefault(name, _Record()).next_run = next_run

    def ran(self, name: str, at: datetime, *, ok: bool, next_run: datetime | None) -> None:
        """A job finished (ok or not)."""
        record = self._jobs.setdefault(name, _Record())
        record.last_run, record.next_run = at, next_run
        record.runs += 1
        record.failures += 0 if ok else 1

    def snapshot(self) -> list[dict[str, Any]]:
        """One dict per job, as the jobs live check reads them."""
        return [
            {
                "name": name,
                "last_run": r.last_run,
                "next_run": r.next_run,
                "failures": r.failures,
                "runs": r.runs,
            }
            for name, r in sorted(self._jobs.items())
        ]


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"not a datetime: {type(value).__name__}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ago(delta: timedelta) -> str:
    if delta < timedelta(minutes=1):
        return f"{max(0, int(delta.total_seconds()))} s ago"
    return f"{format_duration(delta)} ago"


def check_jobs(job_health: JobHealth | None, now: datetime) -> tuple[Status, str]:
    """Warn when a job has failed or none is scheduled; say when they last ran."""
    if job_health is None:
        return "unknown", "job health is not available here"
    jobs = list(job_health())
    if not jobs:
        return "warn", "no scheduled jobs"
    last_runs = [m for m in (_moment(job.get("last_run")) for job in jobs) if m is not None]
    failing = [job for job in jobs if int(job.get("failures") or 0) > 0]
    failures = sum(int(job.get("failures") or 0) for job in jobs)
    parts = [
        f"{len(jobs)} job" + ("" if len(jobs) == 1 else "s"),
        f"last run {_ago(now - max(last_runs))}" if last_runs else "not run yet",
        f"{failures} failure" + ("" if failures == 1 else "s"),
    ]
    if failing:
        parts[-1] += " (" + ", ".join(str(job.get("name", "?")) for job in failing) + ")"
    return ("warn" if failures else "ok"), " · ".join(parts)
