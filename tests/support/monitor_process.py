"""supportbot's monitor runner and outbox worker as a process of its own, on a clock the test
moves: for tests that kill it mid-alert, or run two of them on one database.

Run as `python -m tests.support.monitor_process CONFIG START`, with DATABASE_URL, SLACK_API_URL
and SLACK_BOT_TOKEN in the environment. Prints "ready"; then each line read is a time (ISO 8601):
the clock moves there, the runner runs the monitors due, the worker delivers what is due, and
the names checked are printed as a JSON list."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path

from bot.clock import FixedClock
from bot.config import Settings, load_plan
from bot.services import build_services


async def main() -> None:
    clock = FixedClock(datetime.fromisoformat(sys.argv[2]))
    services = build_services(Settings.from_env(), load_plan(Path(sys.argv[1])), clock)
    await services.start()
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        clock.at = datetime.fromisoformat(line)
        checked = await services.monitors.run_due()
        while await services.worker.deliver_due():
            pass
        print(json.dumps(checked), flush=True)
    await services.close()


if __name__ == "__main__":
    asyncio.run(main())
