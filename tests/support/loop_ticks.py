"""How often the event loop got to run while something else was going on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass


@dataclass
class Ticks:
    count: int = 0


@asynccontextmanager
async def loop_ticks(every: float = 0.01) -> AsyncIterator[Ticks]:
    """Counts turns of a task that sleeps `every` seconds at a time, for the block's length: a
    loop held up by blocking work counts few."""
    ticks = Ticks()

    async def tick() -> None:
        while True:
            await asyncio.sleep(every)
            ticks.count += 1

    ticker = asyncio.create_task(tick())
    try:
        yield ticks
    finally:
        ticker.cancel()
        with suppress(asyncio.CancelledError):
            await ticker
