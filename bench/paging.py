"""Paging: declare → first page DM against a bare Bolt app, and the SLA watcher at 5,000 incidents.

1. Time from sending a signed `/incident checkout is broken for everyone …` (Tier 1: levels 1
   and 2 are paged at once) to the first page DM the fake Slack records for it (its `at` of the
   first chat.postMessage to a "D…" channel naming the incident). supportbot (SQLite, and a
   throwaway PostgreSQL with --databases, clock at
   Wednesday 10:00 New York in the launch fortnight, periodic jobs off) against a bare Bolt app
   whose listener acks, then calls conversations.open + chat.postMessage itself: both uvicorn
   processes on the same stack, the same fake Slack process behind both, alternating rounds.
   Closed loop: each of --concurrency senders declares, waits for that incident's first DM,
   declares again; then the same one at a time. supportbot's outbox is drained after each of
   its batches, so its leftover work never runs during the baseline's.
2. One pass of the SLA watcher, services.escalation.run_due(), over 5,000 open Tier 1 incidents
   on SQLite and on a throwaway PostgreSQL: (a) a routine pass with nothing due, against the
   bare SELECT of due steps on the same engine; (b) the pass just after every incident's
   acknowledgement deadline (each is marked breached and level 3 is paged): its wall time, its
   CPU time (this process: on SQLite the database's work too, on PostgreSQL not the server's)
   and the SQL statements it sent, per escalated incident.

    .venv/bin/python -m bench.paging [--part all|dm|watcher] [--incidents 200] [--concurrency 10]
        [--open-incidents 5000] [--seed clone|declare] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# `python bench/paging.py` as well as `python -m bench.paging`: the repo root is importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psutil
from sqlalchemy import Table, event, func, insert, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.ack_latency import (
    SECRET,
    TOKEN,
    free_port,
    percentile,
    start,
    wait_for_outbox,
    wait_until_up,
)
from bench.databases import throwaway_database
from bench.fake_slack_server import PEOPLE
from bench.paging_bot import WEDNESDAY_MORNING, check_pages_now
from bench.steady_heap import heap_kept_frozen
from bot.clock import FixedClock
from bot.config import Plan, Settings
from bot.incidents import Declaration
from bot.paging import PAGE_EVENT
from bot.services import Services, build_services
from bot.store import (
    Base,
    EscalationStep,
    Incident,
    IncidentEvent,
    OutboxMessage,
    Page,
    sync_engine,
    upgrade,
)
from playground.fake_slack import FakeSlack, FakeSlackServer
from playground.slack_requests import signed_headers, slash_command_body

ROOT = Path(__file__).resolve().parent.parent

TIER1_TEXT = "checkout is broken for everyone"
REPORTER = "U0SUP1"
# Tier 1 in the launch fortnight pages level 1 with the development team (level 2) at once.
PAGED_AT_DECLARE = {"U0SUP1", "U0SUP2", "U0DEV1", "U0DEV2"}
TAG = re.compile(r"\bpb(\d+)\b")
REF = re.compile(r"\bINC-(\d+)\b")
DM_TIMEOUT = 30.0

# -- 1. declare → first page DM ---------------------------------------------------------------


@dataclass
class Sample:
    tag: str
    sent: float  # epoch seconds, like the fake's `at`
    ack_ms: float
    first_dm_ms: float


@dataclass
class CallFeed:
    """Follows the fake Slack's record of calls: when each tagged incident's messages landed."""

    base: str
    # (tag, "dm" | "post") -> when the first one was recorded
    first: dict[tuple[str, str], float] = field(default_factory=dict)
    replies: dict[str, float] = field(default_factory=dict)  # INC ref -> the response_url reply
    dms: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    refs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    page_events: Counter[str] = field(default_factory=Counter)
    waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    next: int = 0

    def expect(self, tag: str) -> asyncio.Future[float]:
        """Resolves to the `at` of the tagged incident's first DM."""
        landed = asyncio.get_running_loop().create_future()
        if (tag, "dm") in self.first:
            landed.set_result(self.first[tag, "dm"])
        else:
            self.waiting[tag] = landed
        return landed

    def reply(self, tag: str) -> float:
        """When the reply on the response_url landed for a tagged incident (known by its DMs)."""
        (ref,) = self.refs[tag]
        return self.replies[ref]

    async def follow(self, stopping: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            while not stopping.is_set():
                await self.poll(client, wait=0.5)

    async def poll(self, client: httpx.AsyncClient, wait: float) -> None:
        answer = await client.get(
            f"{self.base}/bench/calls", params={"after": self.next, "wait": wait}
        )
        answer.raise_for_status()
        feed = answer.json()
        self.next = feed["next"]
        for call in feed["calls"]:
            self._take(call)

    def _take(self, call: dict[str, Any]) -> None:
        if call["ok"] and call["method"] == "response_url":
            # The reply names the incident (INC-n), not the text it was declared with.
            for ref in REF.findall(call["text"])[:1]:
                self.replies.setdefault(ref, call["at"])
            return
        found = TAG.search(call["text"]) if call["ok"] else None
        if found is None:
            return
        tag, channel = found.group(0), str(call["channel"] or "")
        if call["method"] == "chat.postMessage" and channel.startswith("D"):
            what = "dm"
            self.dms[tag].append((call["at"], channel))
            self.refs[tag].update(REF.findall(call["text"]))
            if (call.get("metadata") or {}).get("event_type") == PAGE_EVENT:
                self.page_events[tag] += 1
            landed = self.waiting.pop(tag, None)
            if landed is not None and not landed.done():
                landed.set_result(call["at"])
        elif call["method"] == "chat.postMessage" and channel == "C0INCIDENTS":
            what = "post"
        else:
            return
        self.first[tag, what] = min(call["at"], self.first.get((tag, what), call["at"]))


async def declare_and_wait(
    client: httpx.AsyncClient,
    url: str,
    feed: CallFeed,
    tags: list[str],
    *,
    concurrency: int,
    slack_base: str,
) -> list[Sample]:
    """Closed loop: each sender declares one incident, waits for its first DM, and goes on."""
    queue = list(tags)
    samples: list[Sample] = []

    async def sender() -> None:
        while queue:
            tag = queue.pop(0)
            landed = feed.expect(tag)
            body = slash_command_body(
                command="/incident",
                text=f"{TIER1_TEXT} {tag}",
                user_id=REPORTER,
                channel_id="C0INCIDENTS",
                response_url=f"{slack_base}/hooks/C0INCIDENTS/{REPORTER}/-/{tag}",
            )
            headers = signed_headers(SECRET, body)
            sent, started = time.time(), time.perf_counter()
            response = await client.post(url, content=body, headers=headers)
            ack_ms = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            try:
                first = await asyncio.wait_for(landed, DM_TIMEOUT)
            except TimeoutError:
                raise RuntimeError(f"no DM for {tag} within {DM_TIMEOUT:.0f} s") from None
            samples.append(Sample(tag, sent, ack_ms, (first - sent) * 1000))

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return samples


def cpu_seconds(process: psutil.Process) -> tuple[float, float]:
    """All CPU time the process has used, and the part of it in the kernel (system calls)."""
    times = process.cpu_times()
    return float(times.user + times.system), float(times.system)


async def dm_rounds(
    args: argparse.Namespace,
    urls: dict[str, str],
    slack_base: str,
    database_url: str,
    processes: dict[str, psutil.Process],
) -> dict[str, Any]:
    feed = CallFeed(slack_base)
    stopping = asyncio.Event()
    follower = asyncio.create_task(feed.follow(stopping))
    counter = iter(range(1, 10**9))
    samples: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    cpu: dict[str, float] = defaultdict(float)
    in_kernel: dict[str, float] = defaultdict(float)
    cpu_incidents: Counter[str] = Counter()
    drained: list[float] = []

    def tags(count: int) -> list[str]:
        return [f"pb{next(counter)}" for _ in range(count)]

    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:
        for name, url in urls.items():  # warm-up: connections, auth.test, first queries
            await declare_and_wait(
                client, url, feed, tags(20), concurrency=args.concurrency, slack_base=slack_base
            )
            if name == "supportbot":
                await asyncio.to_thread(wait_for_outbox, database_url)
        batches = [
            ("concurrent", args.incidents // args.rounds, args.concurrency),
            ("sequential", args.sequential // args.rounds, 1),
        ]
        for round_number in range(args.rounds):
            order = list(urls) if round_number % 2 == 0 else list(reversed(urls))
            for name in order:
                for mode, count, concurrency in batches:
                    if not count:
                        continue
                    before = {n: cpu_seconds(p) for n, p in processes.items()}
                    samples[name, mode] += await declare_and_wait(
                        client,
                        urls[name],
                        feed,
                        tags(count),
                        concurrency=concurrency,
                        slack_base=slack_base,
                    )
                    if name == "supportbot":
                        drained.append(await asyncio.to_thread(wait_for_outbox, database_url))
                    if mode == "concurrent":
                        used, kernel = cpu_seconds(processes[name])
                        cpu[name] += used - before[name][0]
                        in_kernel[name] += kernel - before[name][1]
                        cpu_incidents[name] += count
    stopping.set()
    await follower
    async with httpx.AsyncClient(timeout=10) as client:
        await feed.poll(client, wait=0)  # whatever landed since the last answer
    return {
        "samples": samples,
        "feed": feed,
        "cpu_ms": {n: cpu[n] * 1000 / cpu_incidents[n] for n in cpu},
        "kernel_ms": {n: in_kernel[n] * 1000 / cpu_incidents[n] for n in cpu},
        "drained": max(drained, default=0.0),
    }


def check_dms(name: str, samples: list[Sample], feed: CallFeed) -> list[str]:
    """What is wrong with the DMs the fake recorded for these incidents (nothing, hopefully)."""
    problems = []
    for s in samples:
        channels = sorted(channel for _, channel in feed.dms.get(s.tag, []))
        if name == "supportbot":
            expected = sorted(f"D{user}" for user in PAGED_AT_DECLARE)
            if channels != expected:
                problems.append(f"{s.tag}: page DMs went to {channels}")
            elif len(feed.refs[s.tag]) != 1 or feed.page_events[s.tag] != len(expected):
                problems.append(f"{s.tag}: DMs name {feed.refs[s.tag]}, not one incident ref")
        elif len(channels) != 1:
            problems.append(f"{s.tag}: {len(channels)} DMs")
    return problems


def stats(values: list[float]) -> tuple[float, float, float]:
    return percentile(values, 50), percentile(values, 99), max(values)


def run_dm_bench(args: argparse.Namespace) -> bool:
    from tests.support.postgres import PostgresNotInstalledError

    ok = True
    for kind in args.databases.split(","):
        try:
            with throwaway_database(kind, "dm_bench") as (database, url):
                ok = dm_bench(args, database, url) and ok
        except PostgresNotInstalledError as exc:
            print(f"\n1. PostgreSQL skipped: {exc}")
    return ok


def dm_bench(args: argparse.Namespace, database: str, database_url: str) -> bool:
    check_pages_now(Plan(), WEDNESDAY_MORNING)
    fake = subprocess.Popen(
        [sys.executable, "-m", "bench.paging_fake_slack"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert fake.stdout is not None
    slack_base = f"http://127.0.0.1:{int(fake.stdout.readline())}"
    env = {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": f"{slack_base}/api/",
        "DATABASE_URL": database_url,
    }
    ports = {"bare Bolt": free_port(), "supportbot": free_port()}
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    servers = {
        "bare Bolt": start(
            "bare Bolt",
            [*uvicorn, "--port", str(ports["bare Bolt"]), "bench.bare_paging_bolt:app"],
            env,
        ),
        "supportbot": start(
            "supportbot",
            [*uvicorn, "--port", str(ports["supportbot"]), "--factory", "bench.paging_bot:create"],
            env,
        ),
    }
    try:
        urls = {name: f"http://127.0.0.1:{port}/slack/events" for name, port in ports.items()}
        for url in urls.values():
            wait_until_up(url)
        processes = {name: psutil.Process(server.pid) for name, server in servers.items()}
        with heap_kept_frozen():
            result = asyncio.run(dm_rounds(args, urls, slack_base, database_url, processes))
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)
        fake.terminate()
        fake.wait(timeout=10)
    return print_dm(args, result, database)


def print_dm(args: argparse.Namespace, result: dict[str, Any], database: str) -> bool:
    """Print part 1's figures; False when some incident's DMs were not what they should be."""
    samples, feed = result["samples"], result["feed"]
    print(
        f"\n1. declare → first page DM: `/incident {TIER1_TEXT} …` (Tier 1), "
        f"{args.rounds} alternating rounds, supportbot on {database}"
    )
    print(f"{'mode':<24} {'app':<11} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    ok = True
    for mode, concurrency in (("concurrent", args.concurrency), ("sequential", 1)):
        figures = {}
        for name in ("bare Bolt", "supportbot"):
            got = samples.get((name, mode), [])
            if len(got) < 2:
                continue
            figures[name] = stats([s.first_dm_ms for s in got])
            label = f"{mode} ({concurrency} at a time)"
            print(
                f"{label:<24} {name:<11} {len(got):>4} "
                + " ".join(f"{v:>8.1f}" for v in figures[name])
            )
            problems = check_dms(name, got, feed)
            if problems:
                ok = False
                print(f"  {len(problems)} problem(s), e.g. {problems[:3]}")
        if len(figures) == 2:
            base, ours = figures["bare Bolt"], figures["supportbot"]
            print(
                f"{'':<24} ratio supportbot / bare Bolt: p50 {ours[0] / base[0]:.2f}, "
                f"p99 {ours[1] / base[1]:.2f}"
            )
    for mode in ("concurrent", "sequential"):
        ours = samples.get(("supportbot", mode), [])
        if len(ours) < 2:
            continue
        steps = {
            "reply": [(feed.reply(s.tag) - s.sent) * 1000 for s in ours],
            "incident post": [(feed.first[s.tag, "post"] - s.sent) * 1000 for s in ours],
            "first page DM": [s.first_dm_ms for s in ours],
            f"all {len(PAGED_AT_DECLARE)} page DMs": [
                (max(at for at, _ in feed.dms[s.tag]) - s.sent) * 1000 for s in ours
            ],
        }
        print(
            f"supportbot, {mode}, from sending (p50 / p99 ms): "
            + ", ".join(
                f"{what} {percentile(v, 50):.0f} / {percentile(v, 99):.0f}"
                for what, v in steps.items()
            )
        )
    for name in ("bare Bolt", "supportbot"):
        acks = [s.ack_ms for mode in ("concurrent", "sequential") for s in samples[name, mode]]
        if len(acks) >= 2:
            p50, p99, top = stats(acks)
            print(f"ack, {name}: p50 {p50:.1f} / p99 {p99:.1f} / max {top:.1f} ms")
    for name, ms in result["cpu_ms"].items():
        print(
            f"CPU per incident, {name} (concurrent batches, all its work): {ms:.1f} ms"
            f" ({result['kernel_ms'][name]:.1f} of it in the kernel)"
        )
    print(f"supportbot's outbox drained at most {result['drained']:.1f} s after a batch")
    return ok


# -- 2. the SLA watcher ------------------------------------------------------------------------

# What declaring, paging and the watcher write about an incident; parents first.
CLONED: tuple[Table, ...] = tuple(
    Base.metadata.tables[name]
    for name in ("incidents", "incident_events", "pages", "outbox", "escalation_steps")
)
CLONE_BATCH = 250
# Rows the bot writes about itself as it starts (its liveness, its install id): not cloned.
PER_PROCESS = frozenset({"heartbeat", "install"})


def due_steps_query(now: Any, limit: int) -> Any:
    """The SELECT a watcher pass starts with (bot/escalation.py), on its own."""
    return (
        select(EscalationStep.id, EscalationStep.incident_id)
        .where(EscalationStep.status == "pending", EscalationStep.due_at <= now)
        .order_by(EscalationStep.incident_id, EscalationStep.due_at, EscalationStep.id)
        .limit(limit)
    )


async def deliver_all(services: Services) -> None:
    """Run the real outbox worker until nothing is left (the template incident only)."""
    while await services.worker.deliver_due():
        pass
    async with services.sessions() as session:
        left = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
        )
    if left:
        raise RuntimeError(f"{left} outbox message(s) were not delivered to the fake Slack")


async def mark_delivered(services: Services, clock: FixedClock) -> None:
    """What the worker would have done by now: every message sent, every page DM'd."""
    async with services.sessions.begin() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .values(status="sent", attempts=1, sent_at=clock.now())
        )
        await session.execute(
            update(Page)
            .where(Page.status == "queued")
            .values(
                status="sent",
                channel=literal("D") + Page.user,
                ts="1793804400.000001",
                attempted_at=clock.now(),
                sent_at=clock.now(),
            )
        )


def _cloned_key(key: str, copy: int) -> str:
    kind, incident, *rest = key.split(":")
    if kind not in ("incident", "page") or incident != "1":
        raise RuntimeError(f"cannot clone outbox key {key!r}")
    return ":".join([kind, str(copy), *rest])


def _cloned_row(
    table: Table, row: dict[str, Any], copy: int, span: dict[str, int]
) -> dict[str, Any]:
    new = dict(row)
    new["id"] = row["id"] + (copy - 1) * span[table.name]
    if "incident_id" in row:
        new["incident_id"] = copy
    if table.name == "incidents":
        new["title"] = f"{row['title']} #{copy}"
    if table.name == "outbox":
        new["key"] = _cloned_key(row["key"], copy)
        shift = {"incident": None, "page": "pages", "event": "incident_events"}
        payload = {}
        for name, value in row["payload"].items():
            if name not in shift:
                raise RuntimeError(f"cannot clone outbox payload {row['payload']!r}")
            offset = (copy - 1) * span[shift[name]] if shift[name] else 0
            payload[name] = copy if name == "incident" else value + offset
        new["payload"] = payload
    return new


def clone_template(url: str, copies: int) -> None:
    """Copy incident 1 and every row about it until there are `copies` incidents (ids remapped)."""
    engine = sync_engine(url)
    try:
        with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                if (
                    table not in CLONED
                    and table.name not in PER_PROCESS
                    and conn.execute(select(func.count()).select_from(table)).scalar()
                ):
                    raise RuntimeError(f"the template wrote to {table.name}, which is not cloned")
            template = {
                table: [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]
                for table in CLONED
            }
            if [r["id"] for r in template[CLONED[0]]] != [1]:
                raise RuntimeError("the template must be the only incident, with id 1")
            span = {t.name: max((r["id"] for r in rows), default=0) for t, rows in template.items()}
            for first in range(2, copies + 1, CLONE_BATCH):
                numbers = range(first, min(first + CLONE_BATCH, copies + 1))
                for table in CLONED:
                    rows = [
                        _cloned_row(table, r, n, span) for n in numbers for r in template[table]
                    ]
                    if rows:
                        conn.execute(insert(table), rows)
            if engine.dialect.name == "postgresql":
                for table in CLONED:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                            f" (SELECT max(id) FROM {table.name}))"
                        )
                    )
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))  # what autovacuum would have done by now
    finally:
        engine.dispose()


async def count(engine: AsyncEngine, table: Table, *where: Any) -> int:
    async with engine.connect() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(table).where(*where))).scalar()
            or 0
        )


async def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await work()
    return (time.perf_counter() - started) * 1000, result


@dataclass
class WatcherResult:
    database: str
    incidents: int
    seed_s: float
    pending_steps: int
    plan: str
    routine_ms: list[float]
    select_ms: list[float]
    breach_ms: float
    breach_cpu_s: float
    breach_statements: int
    breach_due: int
    breach_done: int
    breach_failed: int
    breached: int
    pages_written: int
    outbox_written: int
    events_written: int
    outcomes: list[tuple[str, str, int]]
    repage_passes: list[tuple[int, float]] = field(default_factory=list)
    seeded: dict[str, float] = field(default_factory=dict)
    idle_declares: list[float] = field(default_factory=list)
    busy_declares: list[float] = field(default_factory=list)


async def watcher_bench(
    database: str, url: str, incidents: int, seed: str, repeats: int, *, probe: bool = False
) -> WatcherResult:
    upgrade(url)
    plan = Plan()
    declared_at = WEDNESDAY_MORNING
    check_pages_now(plan, declared_at)
    ack_deadline = declared_at + plan.tiers[1].respond
    limit = max(5000, 4 * incidents)
    fake = FakeSlack(
        users=[{"id": u, "name": u.lower()} for u in PEOPLE], strict_blocks=False, trigger_ttl=None
    )
    with FakeSlackServer(fake) as slack:
        clock = FixedClock(declared_at)
        settings = Settings(
            bot_token=TOKEN, signing_secret=SECRET, api_url=slack.api_url, database_url=url
        )
        services = build_services(settings, plan, clock)
        await services.start()
        try:
            return await _watcher_passes(
                services,
                clock,
                database=database,
                incidents=incidents,
                seed=seed,
                repeats=repeats,
                limit=limit,
                probe=probe,
                ack_deadline=ack_deadline,
            )
        finally:
            await services.close()


async def seed_incidents(
    services: Services, clock: FixedClock, *, incidents: int, seed: str, limit: int
) -> list[tuple[int, float]]:
    """Open Tier 1 incidents declared at 15:00, re-paged at 15:05 and 15:10, all delivered.

    Returns the re-page passes timed on the way (declare seeding only)."""
    declared_at = clock.now()
    engine = services.engine
    repage_passes: list[tuple[int, float]] = []
    # The watcher re-pages every 5 min, 3 tries: at 15:05 and 15:10.
    repage_times = [declared_at + timedelta(minutes=5), declared_at + timedelta(minutes=10)]
    if seed == "clone":
        await services.incidents.declare(
            Declaration(text=f"{TIER1_TEXT} (seed)", reporter=REPORTER)
        )
        await deliver_all(services)
        for at in repage_times:
            clock.at = at
            await services.escalation.run_due(limit=limit)
            await deliver_all(services)
        await asyncio.to_thread(clone_template, services.settings.database_url, incidents)
        return repage_passes
    for n in range(incidents):
        await services.incidents.declare(
            Declaration(text=f"{TIER1_TEXT} (seed {n + 1})", reporter=REPORTER)
        )
    await mark_delivered(services, clock)
    for at in repage_times:
        clock.at = at
        ms, done = await timed(lambda: services.escalation.run_due(limit=limit))
        repage_passes.append((done.done, ms))
        await mark_delivered(services, clock)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(
                text("ANALYZE")
            )
    return repage_passes


async def routine_passes(
    services: Services, clock: FixedClock, *, repeats: int, limit: int
) -> tuple[list[float], list[float]]:
    """Time watcher passes that find nothing due, alternating with the bare SELECT."""
    routine, bare = [], []
    for i in range(repeats + 3):
        ms, done = await timed(lambda: services.escalation.run_due(limit=limit))
        if done.due:
            raise RuntimeError(f"a routine pass found {done.due} steps due")
        ms_select, rows = await timed(lambda: bare_select(services.engine, clock.now(), limit))
        if rows:
            raise RuntimeError("the bare SELECT found due steps")
        if i >= 3:  # warm-up
            routine.append(ms)
            bare.append(ms_select)
    return routine, bare


async def _watcher_passes(
    services: Services,
    clock: FixedClock,
    *,
    database: str,
    incidents: int,
    seed: str,
    repeats: int,
    limit: int,
    ack_deadline: Any,
    probe: bool,
) -> WatcherResult:
    engine = services.engine
    seeding = time.perf_counter()
    repage_passes = await seed_incidents(
        services, clock, incidents=incidents, seed=seed, limit=limit
    )
    seed_s = time.perf_counter() - seeding
    seeded = {t.name: await count(engine, t) / incidents for t in CLONED[1:]}
    if await count(engine, Incident.__table__, Incident.status == "open") != incidents:
        raise RuntimeError("seeding did not leave the expected number of open incidents")

    # (a) a routine pass: 15:14, nothing due until the 15:15 deadlines
    clock.at = ack_deadline - timedelta(minutes=1)
    pending = await count(engine, EscalationStep.__table__, EscalationStep.status == "pending")
    plan = await query_plan(engine, clock.now(), limit)
    routine, bare = await routine_passes(services, clock, repeats=repeats, limit=limit)

    idle_declares: list[float] = []
    if probe:  # how long declaring takes when the watcher is idle, for comparison
        for k in range(10):
            ms, _ = await timed(lambda k=k: declare_probe(services, f"idle {k}"))
            idle_declares.append(ms)

    # (b) 15:15:01: every incident's acknowledgement deadline has just passed
    before = await written_rows(engine, incidents)
    clock.at = ack_deadline + timedelta(seconds=1)
    stopping, busy_declares = asyncio.Event(), []
    prober = asyncio.create_task(
        keep_declaring(services, stopping, busy_declares) if probe else stopping.wait()
    )
    cpu_started = time.process_time()
    with counted_statements(engine) as statements:
        breach_ms, done = await timed(lambda: services.escalation.run_due(limit=limit))
    breach_cpu_s = time.process_time() - cpu_started
    stopping.set()
    await prober
    after = await written_rows(engine, incidents)
    written = {name: after[name] - before[name] for name in after}
    breached = await count(engine, Incident.__table__, Incident.ack_breached_at.is_not(None))
    async with engine.connect() as conn:
        outcomes = [
            (str(kind), str(outcome), int(n))
            for kind, outcome, n in await conn.execute(
                select(EscalationStep.kind, EscalationStep.outcome, func.count())
                .where(EscalationStep.done_at == clock.now())
                .group_by(EscalationStep.kind, EscalationStep.outcome)
                .order_by(EscalationStep.kind)
            )
        ]
    return WatcherResult(
        database=database,
        incidents=incidents,
        seed_s=seed_s,
        pending_steps=pending,
        plan=plan,
        routine_ms=routine,
        select_ms=bare,
        breach_ms=breach_ms,
        breach_cpu_s=breach_cpu_s,
        breach_statements=statements[0],
        breach_due=done.due,
        breach_done=done.done,
        breach_failed=done.failed,
        breached=breached,
        pages_written=written["pages"],
        outbox_written=written["outbox"],
        events_written=written["incident_events"],
        outcomes=outcomes,
        repage_passes=repage_passes,
        seeded=seeded,
        idle_declares=idle_declares,
        busy_declares=busy_declares,
    )


@contextmanager
def counted_statements(engine: AsyncEngine) -> Iterator[list[int]]:
    """Counts the SQL statements the engine sends while the block runs (a list of one)."""
    seen = [0]

    def one(*_: Any) -> None:
        seen[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", one)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", one)


async def declare_probe(services: Services, label: str) -> None:
    await services.incidents.declare(
        Declaration(text=f"{TIER1_TEXT} (probe {label})", reporter=REPORTER)
    )


async def keep_declaring(services: Services, stopping: asyncio.Event, took: list[float]) -> None:
    """Declare a Tier 1 incident every second until stopping; how long each declare took."""
    while not stopping.is_set():
        ms, _ = await timed(lambda: declare_probe(services, f"busy {len(took)}"))
        took.append(ms)
        try:
            await asyncio.wait_for(stopping.wait(), 1.0)
        except TimeoutError:
            pass


async def written_rows(engine: AsyncEngine, incidents: int) -> dict[str, int]:
    """Pages, timeline entries and outbox messages about the seeded incidents (not the probes)."""
    ours = Incident.id <= incidents
    async with engine.connect() as conn:
        pages = await conn.scalar(select(func.count()).select_from(Page).join(Incident).where(ours))
        events = await conn.scalar(
            select(func.count()).select_from(IncidentEvent).join(Incident).where(ours)
        )
        keys = (await conn.scalars(select(OutboxMessage.key))).all()
    about = (re.match(r"(?:incident|page):(\d+)", key) for key in keys)
    outbox = sum(1 for found in about if found and int(found.group(1)) <= incidents)
    return {"pages": int(pages or 0), "incident_events": int(events or 0), "outbox": outbox}


async def bare_select(engine: AsyncEngine, now: Any, limit: int) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(due_steps_query(now, limit))).all())


async def query_plan(engine: AsyncEngine, now: datetime, limit: int) -> str:
    """How the database runs the due-steps SELECT (is the index used?)."""
    sqlite = engine.dialect.name == "sqlite"
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") + ("" if sqlite else "+00")
    statement = (
        f"{'EXPLAIN QUERY PLAN' if sqlite else 'EXPLAIN'} SELECT id, incident_id"
        f" FROM escalation_steps WHERE status = 'pending' AND due_at <= '{stamp}'"
        f" ORDER BY incident_id, due_at, id LIMIT {int(limit)}"
    )
    async with engine.connect() as conn:
        rows = (await conn.exec_driver_sql(statement)).all()
    lines = [str(row[-1] if sqlite else row[0]).strip() for row in rows]
    return "; ".join(re.sub(r"\s*\(cost=[^)]*\)", "", line) for line in lines)


def print_watcher(result: WatcherResult, seed: str) -> None:
    r = result
    print(
        f"\n2. SLA watcher pass, {r.database}: {r.incidents} open Tier 1 incidents "
        f"(seeded by {seed} in {r.seed_s:.0f} s), {r.pending_steps} pending steps"
    )
    print(
        "   rows per incident after declare, 2 re-page passes and delivery: "
        + ", ".join(f"{n:g} {table}" for table, n in r.seeded.items())
    )
    for done, ms in r.repage_passes:
        print(
            f"   re-page pass while seeding: {done} steps in {ms / 1000:.1f} s "
            f"({done / ms * 1000:.0f} steps/s)"
        )
    print(f"   due-steps SELECT plan: {r.plan}")
    p50, p99, top = stats(r.routine_ms)
    b50, b99, btop = stats(r.select_ms)
    print(
        f"   (a) nothing due, {len(r.routine_ms)} passes: run_due p50 {p50:.2f} / p99 {p99:.2f} "
        f"ms; bare SELECT p50 {b50:.2f} / p99 {b99:.2f} ms; ratio p50 {p50 / b50:.2f}, "
        f"p99 {p99 / b99:.2f}"
    )
    print(
        f"   (b) every ack deadline just passed: {r.breach_done} of {r.breach_due} due steps in "
        f"{r.breach_ms / 1000:.1f} s ({r.breach_done / r.breach_ms * 1000:.0f} steps/s, "
        f"{r.breach_ms / max(r.breached, 1):.1f} ms per escalated incident), "
        f"{r.breach_failed} failed"
    )
    per = max(r.breached, 1)
    print(
        f"       CPU (this process, the database's included on SQLite) {r.breach_cpu_s:.1f} s, "
        f"{r.breach_cpu_s * 1000 / per:.1f} ms per escalated incident; "
        f"{r.breach_statements} SQL statements, {r.breach_statements / per:.1f} per incident"
    )
    print(
        f"       {r.breached} incidents marked breached; written: {r.pages_written} pages, "
        f"{r.outbox_written} outbox messages, {r.events_written} timeline entries"
    )
    for kind, outcome, n in r.outcomes:
        print(f"       {n:>6} × {kind}: {outcome}")
    if r.busy_declares and len(r.idle_declares) >= 2:
        idle, busy = r.idle_declares, sorted(r.busy_declares)
        print(
            f"   a Tier 1 declare in the same process: idle p50 {percentile(idle, 50):.0f} ms; "
            f"during the breach pass ({len(busy)}) p50 {busy[len(busy) // 2]:.0f} / max "
            f"{busy[-1]:.0f} ms"
        )


def run_watcher_bench(args: argparse.Namespace) -> bool:
    from tests.support.postgres import PostgresNotInstalledError

    ok = True
    for kind in args.databases.split(","):
        try:
            with throwaway_database(kind, "watcher_bench") as (database, url):
                result = asyncio.run(
                    watcher_bench(
                        database,
                        url,
                        args.open_incidents,
                        args.seed,
                        args.repeats,
                        probe=args.probe,
                    )
                )
        except PostgresNotInstalledError as exc:
            print(f"\n2. PostgreSQL skipped: {exc}")
            continue
        print_watcher(result, args.seed)
        if result.breach_failed or result.breached != result.incidents:
            ok = False
            print("   not every incident was escalated")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "dm", "watcher"), default="all")
    parser.add_argument("--incidents", type=int, default=200, help="per app, concurrent")
    parser.add_argument("--sequential", type=int, default=40, help="per app, one at a time")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--open-incidents", type=int, default=5000)
    parser.add_argument(
        "--seed",
        choices=("clone", "declare"),
        default="clone",
        help="clone: declare one incident, let the watcher re-page it and the worker deliver, "
        "then copy its rows; declare: declare every incident (slow)",
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=30, help="routine passes to time")
    parser.add_argument(
        "--probe",
        action="store_true",
        help="also time a Tier 1 declare every second while the breach pass runs (in the same "
        "process, as the scheduler would run it); perturbs the pass a little",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    machine = f"{psutil.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    print(f"paging benchmarks on {machine}", file=sys.stderr)
    ok = True
    if args.part in ("all", "dm"):
        ok = run_dm_bench(args) and ok
    if args.part in ("all", "watcher"):
        ok = run_watcher_bench(args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
