"""Full garbage collections when no request is waiting.

CPython's full collection walks every object not frozen at start: once the bot has served a
while that is tens of thousands, 15–25 ms with nothing else running. Left to itself it runs
whenever enough objects have outlived two younger collections, which under a burst of requests
is in the middle of the burst: measured with bench/ack_latency.py, one such pass put 25 ms on
ten acks at once. So the automatic full pass is off while the bot runs, and this task runs it
when every request is answered and no work waits for its turn (at most every QUIET_EVERY), and
whatever the load at least every AT_LEAST_EVERY, so cyclic garbage cannot pile up. The younger
generations are still collected on their own, a little less often than CPython's default
(YOUNG): a couple of ms each. What survives the first of these full collections is frozen like
what the start built, so later ones walk only what came after."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time

from bot.slack.acks_first import AcksFirst

CHECK_EVERY = 1.0
QUIET_EVERY = 10.0
AT_LEAST_EVERY = 60.0
# gc.set_threshold's third value: full collections after this many collections of the middle
# generation, i.e. never on their own.
_NEVER = 1_000_000_000
# Its first: a young collection after this many more new objects than freed ones (CPython's
# default is 700). Under load a declaration's objects live across awaits for tens of ms; at
# 700 many outlived two young collections and went on to the middle and old generations,
# walked again there. bench.paging, 10 in flight: the collector's share of the bot's CPU
# 4.2-4.4 % at 700, 2.6-2.7 % at 2,000, a young collection about 1 ms instead of 0.4.
YOUNG = 2_000

# Bots running at once in one process (tests run replicas): the thresholds go back when the
# last one stops.
_running: list[tuple[int, int, int]] = []


async def collect_when_quiet(
    acks: AcksFirst,
    stopping: asyncio.Event,
    *,
    every: float = QUIET_EVERY,
    at_least_every: float = AT_LEAST_EVERY,
    check_every: float = CHECK_EVERY,
) -> None:
    """Run full collections at quiet moments until stopping is set."""
    if not _running:
        _running.append(gc.get_threshold())
        young, middle, _ = _running[0]
        gc.set_threshold(max(young, YOUNG), middle, _NEVER)
    else:
        _running.append(_running[0])
    last, settled = time.monotonic(), False
    try:
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), check_every)
            if stopping.is_set():
                break
            since = time.monotonic() - last
            if since >= at_least_every:
                await acks.turn()
            elif since < every or not acks.quiet:
                continue
            gc.collect()
            if not settled:
                # What the first requests built (compiled templates and statements, caches)
                # lives as long as the process: off the collector's rounds, like the start's.
                gc.freeze()
                settled = True
            last = time.monotonic()
    finally:
        thresholds = _running.pop()
        if not _running:
            gc.set_threshold(*thresholds)
