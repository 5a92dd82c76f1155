"""Keep a benchmark's own processes (the fake Slack, the load generator) from pausing to collect.

CPython's full collection walks every object the process holds. The fake Slack keeps every call
it answered, so the benchmarks can read them back: by the end of `bench.paging` a full
collection in it took 170 ms (20 ms in its first minute), and every request in flight at that
moment waited for it. Traced request by request, the tail of supportbot's "first page DM with
10 in flight" was that pause: a chat.postMessage answered in 160-200 ms where the others took
20-50. The load generator held a 90 ms one. Those are the instrument's pauses, not the app's;
real Slack does not stop for us. Freezing what is alive every half second keeps it off the
collector's rounds, so a full collection walks only what came since. Frozen objects are never
collected: what a benchmark's half second leaves behind in cycles is little."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

FREEZE_EVERY = 0.5


@contextmanager
def heap_kept_frozen(every: float = FREEZE_EVERY) -> Iterator[None]:
    """Within the block, freeze the heap every `every` seconds (from a daemon thread); after
    it, the collector walks everything again."""
    stopping = threading.Event()

    def freeze() -> None:
        while not stopping.wait(every):
            gc.freeze()

    gc.freeze()
    thread = threading.Thread(target=freeze, name="steady-heap", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        thread.join()
        gc.unfreeze()
