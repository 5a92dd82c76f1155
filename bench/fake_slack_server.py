"""Serve the fake Slack Web API in its own process for benchmarks; prints its port."""

from __future__ import annotations

import sys
import time

from playground.fake_slack import FakeSlack, FakeSlackServer

if __name__ == "__main__":
    # Validation is the tests' job; here the fake should cost the machine as little as Slack does.
    people = ["U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2", "U0ARCH1", "U0MGR1"]
    fake = FakeSlack(
        users=[{"id": u, "name": u.lower()} for u in people], strict_blocks=False, trigger_ttl=None
    )
    with FakeSlackServer(fake) as server:
        print(server.port, flush=True)
        try:
            while sys.stdin.readline():
                pass
        except KeyboardInterrupt:
            pass
        time.sleep(0.1)
