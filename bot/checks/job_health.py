"""What the bot's own scheduled jobs did: last run, next run, failures (for the jobs check)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
