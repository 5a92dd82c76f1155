"""Monitoring benchmarks, one part at a time.

`python -m bench.monitoring --part uptime [--databases sqlite,postgresql] [--repeats 20]`

uptime: the status page's reads (uptime, daily bars, response series) on a year of samples
for 20 monitors; see bench/monitoring_uptime.py."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from typing import Any

from bench import monitoring_uptime
from bot.store import upgrade


def _uptime_on(database: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    def seeded(url: str) -> dict[str, list[tuple[int, int]]]:
        upgrade(url)
        started = time.perf_counter()
        outages = monitoring_uptime.seed(url, args.monitors, args.raw_days)
        print(f"seeded {database} in {time.perf_counter() - started:.0f} s")
        return outages

    if database == "sqlite":
        with tempfile.TemporaryDirectory(prefix="supportbot-monitoring-bench-") as folder:
            url = f"sqlite:///{folder}/monitoring.db"
            outages = seeded(url)
            return asyncio.run(monitoring_uptime.bench("SQLite", url, outages, args.repeats))
    from tests.support.postgres import PostgresServer

    server = PostgresServer().start()
    try:
        url = server.create_database("supportbot_monitoring_bench")
        outages = seeded(url)
        return asyncio.run(monitoring_uptime.bench("PostgreSQL", url, outages, args.repeats))
    finally:
        server.stop()


def uptime(args: argparse.Namespace) -> bool:
    print("| database | read | p50 | max | down seconds off by |")
    print("|---|---|---|---|---|")
    ok = True
    for database in args.databases.split(","):
        for r in _uptime_on(database, args):
            off = "" if r["off_s"] is None else f"{r['off_s']} s"
            print(
                f"| {r['database']} | {r['read']} | {r['p50'] * 1000:.1f} ms | "
                f"{r['max'] * 1000:.1f} ms | {off} |"
            )
            if r["database"] == "SQLite" and r["read"].startswith("uptime, 90 d"):
                ok = ok and r["p50"] < monitoring_uptime.GOAL_S
    if not ok:
        print("the 90-day uptime of every monitor took 50 ms or more on SQLite")
    return ok


PARTS = {"uptime": uptime}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=sorted(PARTS), required=True)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--monitors", type=int, default=20)
    parser.add_argument("--raw-days", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    return 0 if PARTS[args.part](args) else 1


if __name__ == "__main__":
    raise SystemExit(main())
