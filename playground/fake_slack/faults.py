"""Injected faults: calls that fail, act but lose their answer, or act and answer late."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Where = Callable[[dict[str, Any]], bool]


@dataclass
class Fault:
    method: str  # "*" matches every method
    status: int = 500
    retry_after: int | None = None
    error: str | None = None
    remaining: int | None = None
    until: float | None = None
    # fail: answer an error without acting; lose: act, then answer 500 (the answer was lost);
    # hold: act, then keep the answer back for `hold` seconds.
    mode: Literal["fail", "lose", "hold"] = "fail"
    where: Where | None = None
    active: Callable[[], bool] | None = None
    hold: float = 0.0

    def armed(self, now: float) -> bool:
        return (
            (self.remaining is None or self.remaining > 0)
            and (self.until is None or self.until > now)
            and (self.active is None or self.active())
        )

    def failure(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        """The status, body and headers a "fail" fault answers with instead of acting."""
        default = "ratelimited" if self.status == 429 else "internal_error"
        if self.status < 500 and self.status != 429:
            default = "request_failed"
        headers = {}
        if self.status == 429 and self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return self.status, {"ok": False, "error": self.error or default}, headers


class FaultQueue:
    """Armed faults, each used up by the calls it matches; callers hold FakeSlack's lock."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._released = threading.Event()

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def take(self, method: str, args: dict[str, Any]) -> Fault | None:
        now = time.monotonic()
        self._faults = [f for f in self._faults if f.armed(now)]
        for fault in self._faults:
            if fault.method in (method, "*") and (fault.where is None or fault.where(args)):
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None

    def release_held(self) -> None:
        self._faults = [f for f in self._faults if f.mode != "hold"]
        self._released.set()

    def clear(self) -> None:
        self._faults = []
        self._released.clear()

    async def wait_held(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self._released.is_set():
            await asyncio.sleep(0.02)


class FaultInjection:
    """FakeSlack's fault-injection methods."""

    _lock: threading.RLock
    _faults: FaultQueue

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
        where: Where | None = None,
    ) -> None:
        """Make the next `times` calls to `method` ("*" = any) fail with HTTP `status`.

        429 answers "ratelimited" (with Retry-After when given), 5xx "internal_error";
        `error` overrides the error code, e.g. status=200, error="not_in_channel";
        `where` limits it to calls whose arguments match.
        """
        self._arm(Fault(method, status, retry_after, error, remaining=times, where=where))

    def fail_for(
        self,
        method: str,
        *,
        status: int,
        seconds: float,
        retry_after: int | None = None,
        error: str | None = None,
    ) -> None:
        """Make every call to `method` ("*" = any) fail with `status` for `seconds` from now."""
        until = time.monotonic() + seconds
        self._arm(Fault(method, status, retry_after, error, until=until))

    def fail_while(self, method: str, active: Callable[[], bool], *, status: int = 500) -> None:
        """Make every call to `method` ("*" = any) fail with `status` while active() is true
        (tests tie it to the bot's own clock, so a long outage passes in moments)."""
        self._arm(Fault(method, status, active=active))

    def lose_next(self, method: str, *, times: int = 1, where: Where | None = None) -> None:
        """Carry out the next `times` matching calls, then answer HTTP 500 as if the answer
        was lost on the way back: Slack has the message, the caller does not know it."""
        self._arm(Fault(method, 500, remaining=times, mode="lose", where=where))

    def hold_next(
        self, method: str, *, seconds: float, times: int = 1, where: Where | None = None
    ) -> None:
        """Carry out the next `times` matching calls but keep their answers back for `seconds`
        (a caller killed meanwhile never learns that Slack acted)."""
        self._arm(Fault(method, 200, remaining=times, mode="hold", where=where, hold=seconds))

    def release_held(self) -> None:
        """Answer every held call now and hold no more."""
        with self._lock:
            self._faults.release_held()

    def _arm(self, fault: Fault) -> None:
        with self._lock:
            self._faults.add(fault)
