"""supportbot as a process of its own, for tests that kill it.

Run as `python -m tests.support.bot_process PORT START`.

Reads SLACK_*, DATABASE_URL from the environment like `supportbot serve`; its clock starts at
START (ISO 8601) and runs at real speed, so business hours are the test's, not the machine's."""

from __future__ import annotations

import sys
from datetime import datetime

import uvicorn

from bot.app import create_asgi
from bot.clock import TravelClock
from bot.config import Plan, Settings
from bot.services import build_services


def main() -> None:
    port, start = int(sys.argv[1]), datetime.fromisoformat(sys.argv[2])
    services = build_services(Settings.from_env(), Plan(), TravelClock(start))
    app = create_asgi(services, schedule=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
