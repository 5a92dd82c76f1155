"""Live checks for the whole process: few at a time, briefly cached, limited per person.

One check is cheap; the same check a hundred times at once is not (each database ping holds a
connection). However many posts ask together, a check runs once per `ttl` (everyone else gets
that result), at most `max_running` checks run at a time, and one person starts at most
`per_person` runs a minute. Past that, a post shows the last result with its age instead.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.checks.database import CheckEngines
from bot.checks.job_health import JobHealth
from bot.checks.live import DEFAULT_TIMEOUT, run_check
from bot.checks.result import CheckResult
from bot.config import CheckSpec
from bot.errors import BadInput

RESULT_TTL = 10.0
MAX_RUNNING = 4
PER_PERSON = 5
PER = 60.0
_CROWD = 1000  # people tracked before the quiet ones are forgotten


class LiveChecks:
    """Runs the checks a runbook or checklist carries, for every post in this process."""

    def __init__(
        self,
        *,
        database_url: str | None = None,
        engine: AsyncEngine | None = None,
        job_health: JobHealth | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        ttl: float = RESULT_TTL,
        max_running: int = MAX_RUNNING,
        per_person: int = PER_PERSON,
        per: float = PER,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database_url = database_url
        self._engines = CheckEngines(database_url, engine)
        self._job_health = job_health
        self._timeout = timeout
        self._ttl = ttl
        self._slots = asyncio.Semaphore(max_running)
        self._per_person = per_person
        self._per = per
        self._now = now
        # The latest run of each check (running or done), by the check's definition.
        self._runs: dict[str, tuple[float, asyncio.Task[tuple[CheckResult, float]]]] = {}
        self._asked: dict[str, deque[float]] = {}

    async def run(
        self, checks: Sequence[tuple[int, CheckSpec]], *, by: str | None = None, fresh: bool = False
    ) -> dict[str, dict[str, Any]]:
        """Results by item index as they are stored: status and summary, never the check itself.

        `by` is the person asking (None for the scheduler). `fresh` is "Run check again": no
        earlier result will do (one still running will), and over the limit it is refused."""
        if not checks:
            return {}
        wait = self._take(by)
        if wait and fresh:
            raise BadInput(reason="too_many_checks", wait_s=wait, limit=self._per_person)
        results = await asyncio.gather(
            *(
                self._result(spec, max_age=0 if fresh else self._ttl, wait=wait)
                for _, spec in checks
            )
        )
        return {str(index): result for (index, _), result in zip(checks, results, strict=True)}

    async def close(self) -> None:
        """Stop checks still running and close the other databases' connections."""
        runs, self._runs = [task for _, task in self._runs.values()], {}
        for task in runs:
            task.cancel()
            with suppress(BaseException):
                await task
        await self._engines.dispose()

    def _take(self, by: str | None) -> int:
        """0 when `by` may start a run now (it is counted), else the seconds until they may."""
        if by is None:
            return 0
        now = self._now()
        if len(self._asked) > _CROWD:
            self._asked = {
                who: times for who, times in self._asked.items() if now - times[-1] < self._per
            }
        asked = self._asked.setdefault(by, deque())
        while asked and now - asked[0] >= self._per:
            asked.popleft()
        if len(asked) >= self._per_person:
            return max(1, math.ceil(self._per - (now - asked[0])))
        asked.append(now)
        return 0

    async def _result(self, spec: CheckSpec, *, max_age: float, wait: int) -> dict[str, Any]:
        key = json.dumps(spec.model_dump(mode="json"), sort_keys=True)
        now = self._now()
        started, task = self._runs.get(key, (now, None))
        reuse = task is not None and (not task.done() or now - started <= max_age or wait > 0)
        if task is None or not reuse:
            if wait:  # over the limit and never run here: say so rather than run it
                return {"status": "unknown", "summary": "", "wait_s": wait}
            started, task = now, asyncio.create_task(self._execute(spec))
            self._runs[key] = (started, task)
        # Shielded: one asker giving up must not cancel the run the others wait for.
        result, finished = await asyncio.shield(task)
        stored: dict[str, Any] = {"status": result.status, "summary": result.summary}
        age = round(self._now() - finished)
        if age >= 1:
            stored["age_s"] = age
        return stored

    async def _execute(self, spec: CheckSpec) -> tuple[CheckResult, float]:
        """The check's result, and when it was found."""
        result = await self._bounded(spec)
        return result, self._now()

    async def _bounded(self, spec: CheckSpec) -> CheckResult:
        queued = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout):
                await self._slots.acquire()
        except TimeoutError:
            took_ms = round((time.perf_counter() - queued) * 1000)
            summary = f"not run: other checks took all {self._timeout:g} s"
            return CheckResult(status="unknown", summary=summary, took_ms=took_ms)
        try:
            return await run_check(
                spec,
                database_url=self._database_url,
                timeout=self._timeout,
                job_health=self._job_health,
                engines=self._engines,
            )
        finally:
            self._slots.release()
