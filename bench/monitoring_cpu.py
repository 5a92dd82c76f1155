"""Monitoring's cost: the bot's CPU and memory with 50 HTTP monitors every 10 s, against the
same bot with none.

Two `supportbot serve` processes (the real CLI, periodic jobs on, SQLite each, the same fake
Slack Web API process behind both) run side by side for --seconds after a warm-up: one with a
config of --monitors HTTP monitors, every --every, against a local target this script serves
(each monitor its own path), the other with the same config minus the monitors. Side by side,
so load from anything else on the machine falls on both alike. Reported per process: CPU
seconds over the window as a % of one core, RSS at the end and its peak (sampled every 5 s),
and for the monitored one the target's hits and the samples stored (so a build without a
monitor runner shows up as 0, not as a cheap runner).

    .venv/bin/python -m bench.monitoring --part cpu [--monitors 50] [--every 10s]
        [--seconds 300] [--warmup 30]      (or bench/monitoring_cpu.py with the same options)

Goal: under 5 % of one core and under 150 MB RSS with the monitors.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# `python bench/monitoring_cpu.py` as well as `python -m bench.monitoring_cpu`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil
import yaml

from bench.ack_latency import SECRET, TOKEN, free_port, start, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
GOAL_CORE_PERCENT = 5.0
GOAL_RSS_MB = 150.0


class Target(BaseHTTPRequestHandler):
    """A site that is up: 200 and a short body on every path, counted."""

    hits = 0
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        with Target.lock:
            Target.hits += 1
        body = b"ok: open for business"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@dataclass
class Measured:
    """One bot process over the window."""

    name: str
    process: psutil.Process
    cpu_start: float = 0.0
    cpu_s: float = 0.0
    rss: list[int] = field(default_factory=list)

    def cpu(self) -> float:
        return sum(self.process.cpu_times()[:2])


def config(monitors: int, every: str, target: str) -> dict[str, object]:
    return {
        "monitors": [
            {
                "name": f"site-{n:02}",
                "every": every,
                "check": {"kind": "http", "url": f"{target}/m{n}", "timeout": "5s"},
            }
            for n in range(monitors)
        ]
    }


def measure(bots: dict[str, subprocess.Popen[bytes]], seconds: int) -> tuple[list[Measured], float]:
    """CPU and RSS of each bot over the window, side by side; the window's length."""
    measured = [Measured(name, psutil.Process(bot.pid)) for name, bot in bots.items()]
    for m in measured:
        m.cpu_start = m.cpu()
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        for m in measured:
            m.rss.append(m.process.memory_info().rss)
        time.sleep(min(5.0, max(seconds - elapsed, 0.0)))
    wall = time.monotonic() - started
    for m in measured:
        m.cpu_s = m.cpu() - m.cpu_start
        m.rss.append(m.process.memory_info().rss)
    return measured, wall


def start_bots(work: Path, slack: str, target: str, args: argparse.Namespace) -> dict[str, int]:
    """Write both configs and start both bots; their ports (the processes go in BOTS)."""
    ports: dict[str, int] = {}
    for name, count in (("none", 0), ("monitors", args.monitors)):
        (work / f"{name}.yml").write_text(yaml.safe_dump(config(count, args.every, target)))
        ports[name] = free_port()
        BOTS[name] = start(
            f"supportbot ({name})",
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(ports[name])],
            {
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_API_URL": f"{slack}/api/",
                "DATABASE_URL": f"sqlite:///{work}/{name}.db",
                "SUPPORTBOT_CONFIG": str(work / f"{name}.yml"),
            },
        )
    return ports


BOTS: dict[str, subprocess.Popen[bytes]] = {}


def report(
    measured: list[Measured], wall: float, hits: int, work: Path, args: argparse.Namespace
) -> int:
    with sqlite3.connect(work / "monitors.db") as db:
        try:
            samples = db.execute("SELECT count(*) FROM monitor_samples").fetchone()[0]
        except sqlite3.OperationalError:
            samples = 0
    expected = args.monitors * wall / _seconds(args.every)
    print(
        f"\n{args.monitors} HTTP monitors every {args.every} vs none, {wall:.0f} s side by side "
        f"after {args.warmup} s warm-up (python {sys.version.split()[0]})"
    )
    print(f"{'bot':<10} {'CPU s':>7} {'% of a core':>12} {'RSS end MB':>11} {'RSS peak MB':>12}")
    figures = {}
    for m in measured:
        percent = m.cpu_s / wall * 100
        figures[m.name] = (percent, m.rss[-1] / MB, max(m.rss) / MB)
        print(
            f"{m.name:<10} {m.cpu_s:>7.2f} {percent:>12.2f} {m.rss[-1] / MB:>11.1f} "
            f"{max(m.rss) / MB:>12.1f}"
        )
    ours, base = figures["monitors"], figures["none"]
    print(
        f"monitoring adds {ours[0] - base[0]:.2f} % of a core and {ours[1] - base[1]:.1f} MB RSS "
        f"(ratio CPU {ours[0] / max(base[0], 1e-9):.2f}, RSS {ours[1] / base[1]:.2f})"
    )
    print(f"target hits {hits} (≈{expected:.0f} expected), samples stored {samples}")
    met = ours[0] < GOAL_CORE_PERCENT and ours[2] < GOAL_RSS_MB
    print(
        f"goal < {GOAL_CORE_PERCENT:g} % of a core and < {GOAL_RSS_MB:g} MB: "
        + ("met" if met else "MISSED")
    )
    if hits < expected / 2:
        print("the monitors did not run: is the monitor runner in this build?")
        return 1
    return 0 if met else 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, default=50)
    parser.add_argument("--every", default="10s")
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    return run(parser.parse_args())


def cpu(args: argparse.Namespace) -> bool:
    """`bench/monitoring.py --part cpu`: whether the goal was met."""
    return run(args) == 0


def run(args: argparse.Namespace) -> int:
    """0: goal met; 1: the monitors did not run; 2: goal missed."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Target)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target = f"http://127.0.0.1:{server.server_address[1]}"
    fake = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_slack_server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert fake.stdout is not None
    slack = f"http://127.0.0.1:{int(fake.stdout.readline())}"
    work = Path(tempfile.mkdtemp(prefix="supportbot-bench-monitoring-"))
    try:
        for port in start_bots(work, slack, target, args).values():
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
        time.sleep(args.warmup)
        hits_start = Target.hits
        measured, wall = measure(BOTS, args.seconds)
        hits = Target.hits - hits_start
    finally:
        for bot in BOTS.values():
            bot.terminate()
            bot.wait(timeout=20)
        fake.terminate()
        server.shutdown()
    return report(measured, wall, hits, work, args)


def _seconds(every: str) -> float:
    from bot.config.durations import parse_duration

    return parse_duration(every).total_seconds()


if __name__ == "__main__":
    sys.exit(main())
