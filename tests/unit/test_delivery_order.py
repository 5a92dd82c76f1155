"""Page DMs start before the rest of a claim (issue 15): a declaration's post, channel and page
DMs are claimed together, and the DMs are what wakes someone."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import bot.slack.worker as worker_module
from bot.clock import FixedClock
from bot.slack import DeliveryWorker, Kind, Outbox
from bot.store import async_engine, session_factory

NOW = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)

QUEUED = [
    (Kind.POST_INCIDENT, "incident:1"),
    (Kind.CREATE_CHANNEL, "channel:1"),
    (Kind.PAGE, "page:1:U1"),
    (Kind.PAGE, "page:1:U2"),
    (Kind.TIMELINE, "incident:2"),
    (Kind.PAGE, "page:2:U1"),
]


async def started_in_order(database_url: str, **worker: Any) -> list[str]:
    """The keys of QUEUED in the order one worker pass started their deliveries."""
    engine = async_engine(database_url, inline=True)
    sessions = session_factory(engine)
    clock = FixedClock(NOW)
    outbox = Outbox(clock)
    started: list[str] = []

    async def deliver(payload: dict[str, Any]) -> None:
        started.append(payload["key"])

    try:
        async with outbox.transaction(sessions) as session:
            for kind, key in QUEUED:
                await outbox.add(session, kind, key, {"key": key})
        handlers = dict.fromkeys({kind for kind, _ in QUEUED}, deliver)
        delivering = DeliveryWorker(sessions, outbox, clock, handlers, **worker)
        assert await delivering.deliver_due() == len(QUEUED)
    finally:
        await engine.dispose()
    return started


async def test_page_dms_start_first_then_the_rest_as_queued(database_url):
    assert await started_in_order(database_url, first={Kind.PAGE}) == [
        "page:1:U1",
        "page:1:U2",
        "page:2:U1",
        "incident:1",
        "channel:1",
        "incident:2",
    ]


async def test_without_first_kinds_deliveries_start_as_queued(database_url):
    assert await started_in_order(database_url) == [key for _, key in QUEUED]


async def test_new_messages_do_not_wait_for_deliveries_still_out(database_url, monkeypatch):
    """With a delivery ended and another still out, the worker waits a moment for more to end
    before it records them (GATHER_SECONDS): a declaration committed meanwhile has its page
    DMs claimed at once, not after that moment (here made 5 s to tell them apart)."""
    monkeypatch.setattr(worker_module, "GATHER_SECONDS", 5.0)
    engine = async_engine(database_url, inline=True)
    sessions = session_factory(engine)
    clock = FixedClock(NOW)
    outbox = Outbox(clock)
    release = asyncio.Event()
    delivered: dict[str, float] = {}

    async def slow(payload: dict[str, Any]) -> None:
        await release.wait()

    async def quick(payload: dict[str, Any]) -> None:
        delivered[payload["key"]] = time.monotonic()

    handlers = {Kind.POST_INCIDENT: slow, Kind.TIMELINE: quick, Kind.PAGE: quick}
    stopping = asyncio.Event()
    delivering = DeliveryWorker(sessions, outbox, clock, handlers)
    running = asyncio.create_task(delivering.run(stopping))
    try:
        async with outbox.transaction(sessions) as session:
            await outbox.add(session, Kind.POST_INCIDENT, "incident:1", {"key": "incident:1"})
            await outbox.add(session, Kind.TIMELINE, "incident:2", {"key": "incident:2"})
        # The post is still out and the thread reply has ended: the worker is gathering.
        async with asyncio.timeout(2):
            while "incident:2" not in delivered:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        committed = time.monotonic()
        async with outbox.transaction(sessions) as session:
            await outbox.add(session, Kind.PAGE, "page:3:U1", {"key": "page:3:U1"})
        async with asyncio.timeout(2):
            while "page:3:U1" not in delivered:
                await asyncio.sleep(0.01)
        assert delivered["page:3:U1"] - committed < 1.0
    finally:
        release.set()
        stopping.set()
        # The page's end started another 5 s gather: a commit ends it, as it would a real one.
        async with outbox.transaction(sessions):
            pass
        await running
        await engine.dispose()
