"""Page DMs start before the rest of a claim (issue 15): a declaration's post, channel and page
DMs are claimed together, and the DMs are what wakes someone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
