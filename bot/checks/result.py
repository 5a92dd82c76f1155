"""What a live check found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["ok", "warn", "fail", "unknown"]


@dataclass(frozen=True)
class CheckResult:
    """What a check found: a status and one line for people."""

    status: Status
    summary: str
    took_ms: int
    # What it measured, for monitors' rules and samples: response_ms, status_code (http);
    # value (metric, sql); days_left (tls); cpu, memory, disk_free in % (host).
    values: dict[str, float] = field(default_factory=dict, compare=False)
