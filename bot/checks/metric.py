"""The metric check: one number read over HTTP, from JSON or from Prometheus text.

A Prometheus counter only ever grows, so its raw value says nothing; its rate between two
reads does. The previous read of each counter is kept for the whole process (`CounterReads`):
the first read of a counter has no rate yet and says so (`unknown`, never down).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.checks.network import trust
from bot.checks.result import Status
from bot.config import MetricCheck

_SELECTOR = re.compile(r"^\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(.*)\})?\s*$")
_LABEL = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


class NotFound(Exception):
    """The answer holds no such number (the message is ours, safe to show)."""


class CounterReads:
    """The latest read of each counter in this process, to turn the next into a rate."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._reads: dict[tuple[str, str], tuple[float, float]] = {}

    def rate(self, key: tuple[str, str], value: float) -> float | None:
        """Per second since the previous read of `key`; None on the first read."""
        now = self._now()
        previous = self._reads.get(key)
        self._reads[key] = (now, value)
        if previous is None or now <= previous[0]:
            return None
        at, before = previous
        # A counter that went down was reset (its process restarted): it counted up from 0.
        increase = value - before if value >= before else value
        return increase / (now - at)


# Shared by every metric check in the process unless a caller brings its own.
PROCESS_READS = CounterReads()


def selector(series: str) -> tuple[str, dict[str, str]]:
    """`name{label="value",...}` as the name and the labels a sample must carry."""
    match = _SELECTOR.match(series)
    if match is None:
        raise NotFound("series: not a Prometheus series name")
    name, inside = match.group(1), match.group(2) or ""
    labels = {key: value.replace('\\"', '"') for key, value in _LABEL.findall(inside)}
    return name, labels


def from_prometheus(text: str, series: str) -> tuple[float, bool]:
    """The sum of the samples matching `series`, and whether they are a counter."""
    name, labels = selector(series)
    total, found, counter = 0.0, False, name.endswith("_total")
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                total += float(sample.value)
                found = True
                counter = counter or family.type == "counter"
    if not found:
        raise NotFound("no such series in the answer")
    return total, counter


def from_json(document: Any, path: str) -> float:
    """The number at a dotted path (`queue.depth`, `jobs.0.n`)."""
    node = document
    for part in path.split("."):
        if (
            isinstance(node, list)
            and part.lstrip("-").isdigit()
            and -len(node) <= int(part) < len(node)
        ):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise NotFound(f"json_path: nothing at {part!r}")
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise NotFound("json_path: not a number")
    return float(node)


def judged(
    value: float, above: float | None, below: float | None, unit: str = ""
) -> tuple[Status, str]:
    """A number against its bounds: past one is degraded (`warn`), not down."""
    shown = f"{value:.4g}{unit}"
    if above is not None and value > above:
        return "warn", f"{shown} (above {above:g})"
    if below is not None and value < below:
        return "warn", f"{shown} (below {below:g})"
    return "ok", shown


async def check_metric(
    check: MetricCheck, timeout: float, values: dict[str, float], reads: CounterReads
) -> tuple[Status, str]:
    """GET the URL and read its number; a counter becomes a rate per second."""
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout, verify=trust()) as client:
            response = await client.get(check.url)
    except httpx.TimeoutException:
        return "fail", f"no answer within {timeout:g} s"
    except httpx.TransportError as exc:
        return "fail", f"unreachable: {type(exc).__name__}"
    values["response_ms"] = round((time.perf_counter() - started) * 1000)
    values["status_code"] = response.status_code
    if response.status_code >= 400:
        return "fail", f"answered {response.status_code}"
    try:
        if check.json_path is not None:
            value, counter = from_json(json.loads(response.text), check.json_path), False
        else:
            value, counter = from_prometheus(response.text, check.series or "")
    except NotFound as exc:
        return "fail", str(exc)
    except ValueError as exc:  # not JSON, not Prometheus text
        return "fail", f"unreadable answer: {type(exc).__name__}"
    if check.rate if check.rate is not None else counter:
        rate = reads.rate((check.url, check.series or check.json_path or ""), value)
        if rate is None:
            return "unknown", "first read of a counter: its rate comes with the next check"
        values["value"] = rate
        return judged(rate, check.above, check.below, " per second")
    values["value"] = value
    return judged(value, check.above, check.below)
