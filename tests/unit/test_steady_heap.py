"""The benchmarks' heap freezing: on within the block, everything collectable again after."""

from __future__ import annotations

import gc
import time

from bench.steady_heap import heap_kept_frozen


def test_the_heap_is_frozen_while_the_block_runs_and_thawed_after() -> None:
    with heap_kept_frozen(every=0.01):
        frozen_at_start = gc.get_freeze_count()
        made_later = [[] for _ in range(1000)]  # new containers: tracked, not frozen yet
        time.sleep(0.05)  # a few of the thread's rounds
        assert frozen_at_start > 0
        assert gc.get_freeze_count() >= frozen_at_start + len(made_later)
    assert gc.get_freeze_count() == 0
