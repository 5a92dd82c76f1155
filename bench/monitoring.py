"""Monitoring benchmarks, one part at a time.

`python -m bench.monitoring --part uptime [--databases sqlite,postgresql] [--repeats 20]`
`python -m bench.monitoring --part cpu [--monitors 50] [--every 10s] [--seconds 300]`

uptime: the status page's reads (uptime, daily bars, response series) on a year of samples
for 20 monitors; see bench/monitoring_uptime.py.
cpu: the bot's CPU and memory with 50 HTTP monitors every 10 s against a local target, beside
the same bot with none; see bench/monitoring_cpu.py."""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from bench import monitoring_cpu, monitoring_uptime
from bench.databases import throwaway_database
from bot.store import upgrade


def _uptime_on(database: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    def seeded(url: str) -> dict[str, list[tuple[int, int]]]:
        upgrade(url)
        started = time.perf_counter()
        outages = monitoring_uptime.seed(url, args.monitors, args.raw_days)
        print(f"seeded {database} in {time.perf_counter() - started:.0f} s")
        return outages

    with throwaway_database(database, "monitoring_bench") as (label, url):
        outages = seeded(url)
        return asyncio.run(monitoring_uptime.bench(label, url, outages, args.repeats))


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


PARTS = {"uptime": uptime, "cpu": monitoring_cpu.cpu}
MONITORS = {"uptime": 20, "cpu": 50}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=sorted(PARTS), required=True)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--monitors", type=int, help="uptime: 20, cpu: 50")
    parser.add_argument("--raw-days", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--every", default="10s", help="cpu: each monitor's interval")
    parser.add_argument("--seconds", type=int, default=300, help="cpu: the measured window")
    parser.add_argument("--warmup", type=int, default=30, help="cpu: seconds before it")
    args = parser.parse_args()
    if args.monitors is None:
        args.monitors = MONITORS[args.part]
    return 0 if PARTS[args.part](args) else 1


if __name__ == "__main__":
    raise SystemExit(main())
