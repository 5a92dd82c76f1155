"""Time-to-ack of `/incident <text>`: supportbot against a bare Bolt app on the same stack.

Both run as `uvicorn` processes (Bolt AsyncApp behind Starlette), both talk to the same fake
Slack Web API process, and both get the same signed slash commands at the same concurrency,
in alternating rounds so that machine noise hits both alike.

    .venv/bin/python bench/ack_latency.py [--requests 500] [--concurrency 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# `python bench/ack_latency.py`: the repo root is importable (bench.steady_heap).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psutil
from sqlalchemy import text

from bench.steady_heap import heap_kept_frozen
from bot.store import sync_engine
from playground.slack_requests import signed_headers, slash_command_body

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
WARM_UP = 30
TEXTS = [
    "emails not sending",
    "orders stuck in pending",
    "button misaligned on mobile",
    "checkout is broken for everyone",
    "typo in the footer",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def start(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    print(f"starting {name}: {' '.join(argv)}", file=sys.stderr)
    return subprocess.Popen(
        argv,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def shoot(
    url: str, count: int, concurrency: int, slack_base: str, first: int = 0
) -> list[float]:
    """Send count signed commands, concurrency at a time; return each time-to-ack in ms.

    Numbered from first: a report repeating one still open would be asked "looks like INC-n
    — add to it instead?" rather than declared, so no two in a run are the same."""
    latencies: list[float] = []
    queue = list(range(first, first + count))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:

        async def worker() -> None:
            while queue:
                n = queue.pop()
                body = slash_command_body(
                    command="/incident",
                    text=f"{TEXTS[n % len(TEXTS)]} #{n}",
                    user_id="U0SUP1",
                    channel_id="C0INCIDENTS",
                    response_url=f"{slack_base}/hooks/C0INCIDENTS/U0SUP1/-/bench{n}",
                )
                started = time.perf_counter()
                response = await client.post(
                    url, content=body, headers=signed_headers(SECRET, body)
                )
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def wait_for_outbox(database_url: str, declared: int = 0, limit: float = 120) -> float:
    """Seconds until at least declared incidents are stored and every outbox message is
    delivered (or limit). Acks come before the work they ask for, so an empty outbox alone
    does not mean the work is done: the declarations may not have been written yet."""
    missing = f"{int(declared)} - (SELECT count(*) FROM incidents)"
    count = (
        "SELECT (SELECT count(*) FROM outbox WHERE status != 'sent')"
        f" + CASE WHEN {missing} > 0 THEN {missing} ELSE 0 END"
    )
    engine = None if database_url.startswith("sqlite:///") else sync_engine(database_url)

    def left() -> int:
        if engine is None:
            # A plain deferred read: the bot's engine would begin IMMEDIATE and wait on its writes.
            with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
                return int(db.execute(count).fetchone()[0])
        with engine.connect() as conn:
            return int(conn.execute(text(count)).scalar() or 0)

    started = time.monotonic()
    try:
        while time.monotonic() - started < limit and left():
            time.sleep(0.1)
    finally:
        if engine is not None:
            engine.dispose()
    return time.monotonic() - started


def warm_up(urls: dict[str, str], concurrency: int, slack_base: str, database_url: str) -> None:
    """WARM_UP commands each (connections, auth.test, first queries), supportbot's work
    finished: it must not run into the first round."""
    for name, url in urls.items():
        asyncio.run(shoot(url, WARM_UP, concurrency, slack_base))
        if name == "supportbot":
            wait_for_outbox(database_url, WARM_UP)


def print_latencies(
    args: argparse.Namespace, results: dict[str, list[float]], cpu: dict[str, float]
) -> None:
    print(
        f"\n/incident <text>: {args.requests} signed commands per app, "
        f"concurrency {args.concurrency}, {args.rounds} alternating rounds"
    )
    print(f"{'app':<12} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    summary = {}
    for name, values in results.items():
        summary[name] = (percentile(values, 50), percentile(values, 99), max(values))
        print(
            f"{name:<12} {summary[name][0]:>8.1f} {summary[name][1]:>8.1f} {summary[name][2]:>8.1f}"
        )
    base, ours = summary["bare Bolt"], summary["supportbot"]
    for name, seconds in cpu.items():
        print(f"CPU per command, {name}: {seconds * 1000 / args.requests:.2f} ms")
    print(f"ratio supportbot / bare Bolt: p50 {ours[0] / base[0]:.2f}, p99 {ours[1] / base[1]:.2f}")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    fake = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_slack_server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert fake.stdout is not None
    slack_port = int(fake.stdout.readline())
    slack_base = f"http://127.0.0.1:{slack_port}"
    workdir = tempfile.mkdtemp(prefix="supportbot-bench-")
    database_url = f"sqlite:///{workdir}/bench.db"
    env = {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": f"{slack_base}/api/",
        "DATABASE_URL": database_url,
    }
    ports = {"bare Bolt": free_port(), "supportbot": free_port()}
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    servers = [
        start(
            "bare Bolt", [*uvicorn, "--port", str(ports["bare Bolt"]), "bench.bare_bolt:app"], env
        ),
        start(
            "supportbot",
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(ports["supportbot"])],
            env,
        ),
    ]
    try:
        urls = {name: f"http://127.0.0.1:{port}/slack/events" for name, port in ports.items()}
        for url in urls.values():
            wait_until_up(url)
        results: dict[str, list[float]] = {name: [] for name in urls}
        warm_up(urls, args.concurrency, slack_base, database_url)
        per_round = args.requests // args.rounds
        drained = []
        processes = {
            name: psutil.Process(server.pid) for name, server in zip(urls, servers, strict=True)
        }
        processes["fake Slack"] = psutil.Process(fake.pid)
        cpu: dict[str, float] = dict.fromkeys(processes, 0.0)
        with heap_kept_frozen():
            for round_ in range(args.rounds):
                for name, url in urls.items():
                    before = {n: sum(p.cpu_times()[:2]) for n, p in processes.items()}
                    first = WARM_UP + round_ * per_round  # numbered after the warm-up's
                    results[name] += asyncio.run(
                        shoot(url, per_round, args.concurrency, slack_base, first)
                    )
                    if name == "supportbot":
                        declared = WARM_UP + (round_ + 1) * per_round
                        drained.append(wait_for_outbox(database_url, declared))
                    cpu[name] += sum(processes[name].cpu_times()[:2]) - before[name]
                    if name == "supportbot":
                        cpu["fake Slack"] += (
                            sum(processes["fake Slack"].cpu_times()[:2]) - before["fake Slack"]
                        )
        drained_in = max(drained)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        fake.terminate()

    print_latencies(args, results, cpu)
    with sqlite3.connect(f"{workdir}/bench.db") as db:
        declared = db.execute("SELECT count(*) FROM incidents").fetchone()[0]
        posted = db.execute("SELECT count(*) FROM incidents WHERE post_ts IS NOT NULL").fetchone()[
            0
        ]
    expected = args.requests // args.rounds * args.rounds + WARM_UP
    print(
        f"supportbot declared {declared} of {expected} incidents and posted {posted} of them;"
        f" its outbox drained at most {drained_in:.1f} s after a round's last ack"
    )
    return 0 if declared == expected else 1


if __name__ == "__main__":
    sys.exit(main())
