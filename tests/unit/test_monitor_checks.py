"""What monitors' checks measure: real loopback HTTP targets, a Prometheus text endpoint, a real
PostgreSQL and SQLite for `sql`; each check's own `timeout:` honoured; `values` filled."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
import yaml
from sqlalchemy.engine import make_url

from bot.checks import CheckResult, CounterReads, run_check
from bot.checks.database import CheckEngines
from bot.checks.sql import check_sql
from bot.config import CheckSpec, SqlCheck
from bot.store import async_engine
from tests.support.postgres import PostgresServer


class _Target(BaseHTTPRequestHandler):
    release: ClassVar[threading.Event]
    state: ClassVar[dict[str, Any]]

    def do_GET(self) -> None:
        path = self.path
        if path == "/hang":
            self.release.wait(10)
        if path == "/slow":
            time.sleep(0.3)
        metrics = (
            "# TYPE http_requests_total counter\n"
            f'http_requests_total{{code="200",method="get"}} {self.state["ok"]}\n'
            f'http_requests_total{{code="500",method="get"}} {self.state["errors"]}\n'
            f'http_requests_total{{code="500",method="post"}} {self.state["errors"]}\n'
            "# TYPE queue_jobs gauge\n"
            'queue_jobs{queue="mail"} 42\n'
        )
        status, body = {
            "/up": (200, "all systems operational"),
            "/slow": (200, "operational, eventually"),
            "/error": (500, "internal error"),
            "/json": (200, json.dumps({"queue": {"depth": 7}, "jobs": [{"n": 3}], "on": True})),
            "/metrics": (200, metrics),
            "/hang": (200, "too late"),
        }.get(path, (404, "not found"))
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body.encode())))
            self.end_headers()
            self.wfile.write(body.encode())
        except OSError:  # the check gave up and hung up
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[str, dict[str, Any]]]:
    state: dict[str, Any] = {"ok": 1000, "errors": 10}
    release = threading.Event()
    handler = type("Target", (_Target,), {"release": release, "state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="monitor-target", daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", state
    release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def check(**fields: Any) -> CheckSpec:
    return CheckSpec.model_validate(fields)


async def test_http_values_for_each_kind_of_answer(target):
    host, _ = target
    up = await run_check(check(kind="http", url=f"http://{host}/up", keyword="operational"))
    assert up.status == "ok" and up.values["status_code"] == 200
    assert 0 <= up.values["response_ms"] < 1000
    error = await run_check(check(kind="http", url=f"http://{host}/error"))
    assert error.status == "fail" and error.values["status_code"] == 500
    missing = await run_check(check(kind="http", url=f"http://{host}/up", keyword="maintenance"))
    assert missing.status == "fail" and missing.values["status_code"] == 200
    slow = await run_check(check(kind="http", url=f"http://{host}/slow", slow_ms=100))
    assert slow.status == "warn" and slow.values["response_ms"] >= 300
    refused = await run_check(check(kind="http", url="http://127.0.0.1:1/"))
    assert refused.status == "fail" and refused.values == {}


async def test_a_checks_own_timeout_bounds_it(target):
    host, _ = target
    started = time.perf_counter()
    hung = await run_check(check(kind="http", url=f"http://{host}/hang", timeout=0.3))
    assert time.perf_counter() - started < 2  # not the caller's 5 s
    assert hung == CheckResult("fail", "no answer within 0.3 s", hung.took_ms)
    metric = await run_check(
        check(kind="metric", url=f"http://{host}/hang", json_path="a", timeout=0.3), timeout=30
    )
    assert metric.summary == "no answer within 0.3 s"


async def test_metric_reads_a_json_path_and_judges_it(target):
    host, _ = target
    url = f"http://{host}/json"
    depth = await run_check(check(kind="metric", url=url, json_path="queue.depth", above=5))
    assert (depth.status, depth.summary, depth.values["value"]) == ("warn", "7 (above 5)", 7)
    assert depth.values["status_code"] == 200
    listed = await run_check(check(kind="metric", url=url, json_path="jobs.0.n", below=2))
    assert (listed.status, listed.summary) == ("ok", "3")
    nothing = await run_check(check(kind="metric", url=url, json_path="queue.size"))
    assert (nothing.status, nothing.summary) == ("fail", "json_path: nothing at 'size'")
    flag = await run_check(check(kind="metric", url=url, json_path="on"))
    assert (flag.status, flag.summary) == ("fail", "json_path: not a number")
    text = await run_check(check(kind="metric", url=f"http://{host}/up", json_path="a"))
    assert (text.status, text.summary) == ("fail", "unreadable answer: JSONDecodeError")


async def test_prometheus_gauges_are_read_and_counters_become_rates(target):
    host, state = target
    url = f"http://{host}/metrics"
    gauge = await run_check(check(kind="metric", url=url, series='queue_jobs{queue="mail"}'))
    assert (gauge.status, gauge.values["value"]) == ("ok", 42)

    clock = [100.0]
    reads = CounterReads(now=lambda: clock[0])
    errors = check(kind="metric", url=url, series='http_requests_total{code="500"}', above=0.5)
    first = await run_check(errors, reads=reads)
    assert first.status == "unknown" and "value" not in first.values  # no rate yet, not down
    state["errors"] += 30  # 60 more 500s over both methods, in 60 s
    clock[0] += 60
    second = await run_check(errors, reads=reads)
    assert (second.status, second.summary) == ("warn", "1 per second (above 0.5)")
    assert second.values["value"] == 1
    state["errors"] = 3  # the target restarted: its counters start again from 0
    clock[0] += 60
    reset = await run_check(errors, reads=reads)
    assert reset.values["value"] == pytest.approx(6 / 60)
    raw = check(kind="metric", url=url, series="http_requests_total", rate=False)
    assert (await run_check(raw, reads=reads)).values["value"] == 1000 + 3 + 3
    absent = await run_check(check(kind="metric", url=url, series="nope_total"), reads=reads)
    assert (absent.status, absent.summary) == ("fail", "no such series in the answer")


async def test_metric_summaries_never_quote_the_address(target):
    host, _ = target
    url = f"http://scraper:s3cret@{host}/metrics?token=t0ken"
    results = [
        await run_check(check(kind="metric", url=url, series="queue_jobs", below=100)),
        await run_check(check(kind="metric", url=url, series="missing")),
        await run_check(check(kind="metric", url="http://u:s3cret@127.0.0.1:1/", json_path="a")),
    ]
    for result in results:
        assert "s3cret" not in result.summary and "t0ken" not in result.summary
        assert "127.0.0.1" not in result.summary


async def test_sql_on_postgresql_reads_connections_against_capacity(
    postgres_server: PostgresServer,
):
    url = postgres_server.url()
    in_use = (
        "SELECT count(*) * 100.0 / current_setting('max_connections')::int FROM pg_stat_activity"
    )
    result = await run_check(check(kind="sql", query=in_use, url=url, above=80))
    assert result.status == "ok", result
    assert 0 < result.values["value"] < 80 and result.values["response_ms"] >= 0
    busy = await run_check(check(kind="sql", query=in_use, url=url, above=0.001))
    assert busy.status == "warn" and busy.summary.endswith("(above 0.001)")

    # Read-only: a query that writes is refused by the server.
    write = await run_check(check(kind="sql", query="CREATE TABLE x AS SELECT 1", url=url))
    assert write.status == "fail"
    assert write.summary.endswith(": ReadOnlySqlTransaction")

    # A slow query is stopped by the server, not left running once the check gave up.
    sleep = await run_check(check(kind="sql", query="SELECT pg_sleep(30)", url=url, timeout=0.5))
    assert sleep.status == "fail" and sleep.took_ms < 2000
    with postgres_server.connect() as connection:
        deadline = time.monotonic() + 5
        while connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'"
        ).fetchone() != (0,):
            assert time.monotonic() < deadline, "the slow query still runs"
            time.sleep(0.1)


async def test_sql_on_the_bots_own_postgresql_names_errors_as_any_other_database(
    postgres_server: PostgresServer,
):
    # A check without a url borrows the bot's own engine (asyncpg); its errors must read as
    # they do through a check's own engine (psycopg), not as the adapter's ProgrammingError.
    url = postgres_server.url()
    own = async_engine(url)
    engines = CheckEngines(url, own)
    try:
        assert engines.engine_for(make_url(url), url) is own
        for query, error in (
            ("SELECT count(*) FROM no_such_table", "UndefinedTable"),
            ("CREATE TABLE x AS SELECT 1", "ReadOnlySqlTransaction"),
            ("SELECT pg_sleep(30)", "QueryCanceled"),  # the server's statement_timeout
        ):
            spec = SqlCheck(kind="sql", query=query)
            for via in (engines, None):  # the bot's engine, then one of the check's own
                status, summary = await check_sql(spec, url, 0.3, {}, via)
                assert (status, summary.rsplit(": ", 1)[-1]) == ("fail", error)
    finally:
        await engines.dispose()
        await own.dispose()


async def test_sql_failures_never_show_the_password():
    url = "postgresql://watcher:s3cret@127.0.0.1:1/app"
    result = await run_check(check(kind="sql", query="SELECT 1", url=url))
    assert result == CheckResult(
        "fail", "postgresql at 127.0.0.1:1 unreachable: OperationalError", result.took_ms
    )


async def test_sql_on_the_bots_own_sqlite(sqlite_url):
    count = await run_check(
        check(kind="sql", query="SELECT count(*) FROM incidents"), database_url=sqlite_url
    )
    assert (count.status, count.values["value"]) == ("ok", 0)
    text = await run_check(check(kind="sql", query="SELECT 'x'"), database_url=sqlite_url)
    assert (text.status, text.summary) == ("fail", "the query returned no number")
    write = await run_check(
        check(kind="sql", query="DELETE FROM incidents RETURNING 1"), database_url=sqlite_url
    )
    assert write.status == "fail" and write.summary == "query failed on sqlite: OperationalError"


def test_metric_and_sql_check_as_yaml_writes_them():
    written = yaml.safe_load("{kind: sql, query: 'SELECT 1', timeout: 2s}")
    assert CheckSpec.model_validate(written).root.timeout == 2  # type: ignore[union-attr]
