"""What a live check found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail", "unknown"]


@dataclass(frozen=True)
class CheckResult:
    """What a check found: a status and one line for people."""

    status: Status
    summary: str
    took_ms: int
