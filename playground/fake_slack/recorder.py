"""Every Web API call the fake answered, for tests to read and wait on."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    """One recorded Web API request and how the fake answered it."""

    method: str
    args: dict[str, Any]
    status: int
    ok: bool
    error: str | None
    at: float
    response: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


class Recorder:
    """FakeSlack's call log (`calls`, oldest first) and the ways tests read and wait on it."""

    _lock: threading.RLock
    calls: list[Call]

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call to `method`, failed ones included, oldest first."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def delivered(self, method: str) -> list[Call]:
        """Calls to `method` that were answered ok."""
        return [c for c in self.calls_to(method) if c.ok]

    def invalid_calls(self) -> list[Call]:
        """Calls rejected because their blocks or view broke Block Kit limits."""
        with self._lock:
            return [c for c in self.calls if c.error == "invalid_blocks"]

    def wait_for(
        self,
        method: str,
        *,
        count: int = 1,
        # Generous: tests run in parallel workers on loaded machines; a met wait returns at once.
        timeout: float = 30.0,
        where: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
    ) -> list[Call]:
        """Poll until `count` calls to `method` match, and return all matching calls.

        By default only successful calls count (`ok=None` counts any, `ok=False` only
        failures), so a retried request is not mistaken for a delivered one.
        """
        deadline = time.monotonic() + timeout
        while True:
            matching = [
                c
                for c in self.calls_to(method)
                if (ok is None or c.ok == ok) and (where is None or where(c))
            ]
            if len(matching) >= count:
                return matching
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"expected {count} {method} call(s) (ok={ok}) within {timeout}s, "
                    f"found {len(matching)}; recorded calls:\n{self._describe_calls()}"
                )
            time.sleep(0.01)

    def _record(self, method: str, args: dict[str, Any], status: int, body: dict[str, Any]) -> Call:
        """Log a call as answered (callers hold the lock); a response_url's hook shows up as
        hook_* arguments."""
        # Underscored keys are what the fake's HTTP face adds (the hook, the origin, uploaded
        # bytes), not what the caller sent; an upload is recorded by its length.
        recorded = {k: v for k, v in args.items() if not k.startswith("_")}
        if isinstance(args.get("_bytes"), bytes):
            recorded["length"] = len(args["_bytes"])
        if "_hook" in args:
            recorded.update({f"hook_{k}": v for k, v in args["_hook"].items()})
        call = Call(
            method=method,
            args=copy.deepcopy(recorded),
            status=status,
            ok=bool(body.get("ok")),
            error=None if body.get("ok") else str(body.get("error")),
            at=time.time(),
            response=copy.deepcopy(body),
        )
        self.calls.append(call)
        return call

    def _describe_calls(self) -> str:
        with self._lock:
            lines = [f"  {c.method} -> {c.status} {'ok' if c.ok else c.error}" for c in self.calls]
        return "\n".join(lines) or "  (none)"
