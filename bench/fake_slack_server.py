"""Serve the fake Slack Web API in its own process for benchmarks; prints its port."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from bench.steady_heap import heap_kept_frozen
from playground.fake_slack import FakeSlack, FakeSlackServer

PEOPLE = ["U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2", "U0ARCH1", "U0MGR1"]


def serve(prepare: Callable[[FakeSlack], None] = lambda fake: None) -> None:
    """Serve until stdin closes; prepare may add routes to the fake first."""
    # Validation is the tests' job; here the fake should cost the machine as little as Slack does.
    fake = FakeSlack(
        users=[{"id": u, "name": u.lower()} for u in PEOPLE], strict_blocks=False, trigger_ttl=None
    )
    prepare(fake)
    with heap_kept_frozen(), FakeSlackServer(fake) as server:
        print(server.port, flush=True)
        try:
            while sys.stdin.readline():
                pass
        except KeyboardInterrupt:
            pass
        time.sleep(0.1)


if __name__ == "__main__":
    serve()
