"""Full garbage collections wait for a quiet moment (bot/slack/quiet_gc.py), on a real loop
with CPython's real collector."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack import AcksFirst, collect_when_quiet
from bot.slack.quiet_gc import YOUNG


@pytest.fixture
def full_collections() -> Iterator[list[bool]]:
    """Whether each full collection seen ran with nothing waiting (None: not asked)."""
    seen: list[bool] = []

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.append(True)

    before = gc.get_threshold()
    gc.callbacks.append(watch)
    yield seen
    gc.callbacks.remove(watch)
    gc.unfreeze()
    assert gc.get_threshold() == before  # given back when the bot stops


def survivors() -> list[list[int]]:
    # Enough long-lived containers that CPython would start a full collection of its own.
    return [[n] for n in range(300_000)]


def test_a_full_collection_waits_until_no_request_is_on_its_way(full_collections):
    async def main() -> None:
        acks, stopping = AcksFirst(max_wait=5), asyncio.Event()
        request = acks.arrived()
        collector = asyncio.ensure_future(
            collect_when_quiet(acks, stopping, every=0.05, check_every=0.01)
        )
        try:
            await asyncio.sleep(0.05)
            kept = survivors()
            await asyncio.sleep(0.2)
            assert full_collections == []  # neither CPython's own nor ours
            acks.acked(request)
            await asyncio.sleep(0.2)
            assert full_collections  # the moment it was quiet
            del kept
        finally:
            stopping.set()
            await collector

    asyncio.run(main())


def test_requests_that_never_stop_coming_delay_it_only_so_long(full_collections):
    async def main() -> None:
        acks, stopping = AcksFirst(max_wait=0.05), asyncio.Event()
        acks.arrived()  # never acked
        collector = asyncio.ensure_future(
            collect_when_quiet(acks, stopping, every=0.01, at_least_every=0.3, check_every=0.01)
        )
        try:
            await asyncio.sleep(0.15)
            assert full_collections == []
            await asyncio.sleep(0.5)
            assert full_collections
        finally:
            stopping.set()
            await collector

    asyncio.run(main())


def test_young_collections_wait_for_more_new_objects_while_it_runs(full_collections):
    # The fixture checks CPython's own thresholds are back once it stops.
    async def main() -> None:
        acks, stopping = AcksFirst(), asyncio.Event()
        collector = asyncio.ensure_future(collect_when_quiet(acks, stopping, check_every=0.01))
        try:
            await asyncio.sleep(0.02)
            young, _, old = gc.get_threshold()
            assert young >= YOUNG > 700 and old > 1_000_000
        finally:
            stopping.set()
            await collector

    asyncio.run(main())
