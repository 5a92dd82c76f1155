"""Live checks against real things: a local HTTP server, TLS servers, SQLite, the host itself."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from pydantic import ValidationError

from bot.checks import CheckResult, der_not_after, run_check
from bot.clock import FixedClock
from bot.config import CheckSpec, DatabaseCheck, HttpCheck
from tests.support.loop_ticks import loop_ticks

SHORT = 0.5  # seconds: the timeout for checks that are meant to time out


def spec(text: str) -> CheckSpec:
    """A check as a runbook's YAML writes it."""
    return CheckSpec.model_validate(yaml.safe_load(text))


# -- a local HTTP server ----------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    release: threading.Event

    def do_GET(self) -> None:
        if self.path == "/slow":
            self.release.wait(SHORT * 4)  # longer than the check waits; released at teardown
        status, body = {
            "/ok": (200, b"all systems operational"),
            "/broken": (500, b"internal error"),
            "/slow": (200, b"operational, eventually"),
        }.get(self.path, (404, b"not found"))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the check gave up and hung up
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="live-checks-web", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_http_ok_with_keyword(web: str) -> None:
    result = await run_check(
        spec(f"{{kind: http, url: '{web}/ok', expect_status: 200, keyword: operational}}")
    )
    assert result.status == "ok", result
    assert result.summary.startswith("200 in ") and result.summary.endswith(" ms")
    assert result.took_ms >= 0


async def test_http_missing_keyword_fails(web: str) -> None:
    result = await run_check(spec(f"{{kind: http, url: '{web}/ok', keyword: 'checkout ready'}}"))
    assert result.status == "fail"
    assert "'checkout ready' is not in the page" in result.summary


async def test_http_wrong_status_fails(web: str) -> None:
    result = await run_check(spec(f"{{kind: http, url: '{web}/broken'}}"))
    assert result.status == "fail"
    assert result.summary.startswith("500 in ") and "(expected 200)" in result.summary


async def test_http_expected_error_status_is_ok(web: str) -> None:
    result = await run_check(spec(f"{{kind: http, url: '{web}/broken', expect_status: 500}}"))
    assert result.status == "ok"


async def test_http_slow_answer_warns(web: str) -> None:
    result = await run_check(spec(f"{{kind: http, url: '{web}/ok', slow_ms: 1}}"))
    # a local answer can take under 1 ms; 1 ms is the smallest threshold, so allow either
    assert result.status in {"ok", "warn"}
    if result.status == "warn":
        assert "(slow: over 1 ms)" in result.summary


async def test_http_no_answer_in_time_fails(web: str) -> None:
    started = time.monotonic()
    result = await run_check(spec(f"{{kind: http, url: '{web}/slow'}}"), timeout=SHORT)
    assert time.monotonic() - started < SHORT * 3
    assert result == CheckResult("fail", f"no answer within {SHORT:g} s", result.took_ms)


async def test_http_down_fails() -> None:
    result = await run_check(spec(f"{{kind: http, url: 'http://127.0.0.1:{closed_port()}/'}}"))
    assert result.status == "fail"
    assert result.summary == "unreachable: ConnectError"


# -- host -------------------------------------------------------------------------------------


async def test_host_reports_real_figures() -> None:
    result = await run_check(spec("{kind: host}"))
    assert result.status in {"ok", "warn"}, result
    assert "CPU" in result.summary and "%" in result.summary
    assert "memory" in result.summary and "disk / " in result.summary
    assert result.took_ms >= 150  # the CPU sample takes 0.2 s, in a thread
    # The figures a host monitor's rules compare with cpu_above, memory_above, disk_free_below.
    assert set(result.values) == {"cpu", "memory", "disk_free"}
    assert 0 < result.values["memory"] < 100 and 0 < result.values["disk_free"] < 100
    assert 0 <= result.values["cpu"] <= 100


async def test_host_check_leaves_the_event_loop_free() -> None:
    async with loop_ticks() as ticks:
        await run_check(spec("{kind: host}"))
    assert ticks.count >= 5  # the loop kept running during the 0.2 s CPU sample


async def test_host_thresholds_turn_warn() -> None:
    # Any machine uses more than 0.1% of memory.
    result = await run_check(spec("{kind: host, memory_warn: 0.1}"))
    assert result.status == "warn"
    assert "(warn at 0%)" in result.summary


async def test_host_missing_path_is_unknown(tmp_path: Path) -> None:
    result = await run_check(spec(f"{{kind: host, path: '{tmp_path / 'nowhere'}'}}"))
    assert result.status == "unknown"
    assert result.summary == "check could not run: FileNotFoundError"


# -- database ---------------------------------------------------------------------------------


async def test_database_ping_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    path.touch()
    result = await run_check(spec(f"{{kind: database, url: 'sqlite:///{path}'}}"))
    assert result.status == "ok", result
    assert result.summary.startswith("SELECT 1 in ") and result.summary.endswith("ms (sqlite)")


async def test_database_defaults_to_the_bots_own(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    path.touch()
    result = await run_check(spec("{kind: database}"), database_url=f"sqlite:///{path}")
    assert result.status == "ok", result


async def test_database_without_any_url_is_unknown() -> None:
    result = await run_check(spec("{kind: database}"))
    assert result.status == "unknown"


async def test_database_missing_sqlite_file_fails_without_creating_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    result = await run_check(DatabaseCheck(kind="database", url=f"sqlite:///{path}"))
    assert result == CheckResult("fail", "sqlite: database file not found", result.took_ms)
    assert not path.exists()


async def test_database_unreachable_never_shows_the_password() -> None:
    port = closed_port()
    url = f"postgresql+psycopg://u:s3cret@127.0.0.1:{port}/x"
    result = await run_check(spec(f"{{kind: database, url: '{url}'}}"))
    assert result == CheckResult(
        "fail", f"postgresql at 127.0.0.1:{port} unreachable: OperationalError", result.took_ms
    )
    assert "s3cret" not in result.summary


def test_database_url_stays_out_of_repr() -> None:
    check = spec("{kind: database, url: 'postgresql://u:s3cret@db/x'}")
    assert "s3cret" not in repr(check) and "s3cret" not in str(check)


@pytest.mark.parametrize(
    ("url", "summary"),
    [
        ("mysql://u:s3cret@db/x", "unsupported database mysql at db (use sqlite or postgresql)"),
        ("no:s3cret@url", "not a valid database URL"),
    ],
)
async def test_database_bad_url_is_unknown_without_the_password(url: str, summary: str) -> None:
    result = await run_check(spec(f"{{kind: database, url: '{url}'}}"))
    assert result == CheckResult("unknown", summary, result.took_ms)


# -- tls --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


async def _drain(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await reader.read()
    except (ssl.SSLError, OSError):
        pass
    finally:
        writer.close()


async def tls_server(cert: trustme.LeafCert) -> tuple[asyncio.Server, int]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    server = await asyncio.start_server(_drain, "127.0.0.1", 0, ssl=context)
    return server, server.sockets[0].getsockname()[1]


@pytest.fixture
async def tls_port(ca: trustme.CA, request: pytest.FixtureRequest) -> AsyncIterator[int]:
    """A TLS server on 127.0.0.1 whose certificate ends `request.param` days from now."""
    now = datetime.now(UTC)
    cert = ca.issue_cert(
        "127.0.0.1",
        not_before=now - timedelta(days=30),
        not_after=now + timedelta(days=request.param, hours=1),
    )
    server, port = await tls_server(cert)
    async with server:
        yield port


@pytest.mark.parametrize("tls_port", [5], indirect=True)
async def test_tls_short_lived_certificate_warns(tls_port: int, ca_file: str) -> None:
    check = f"{{kind: tls, host: 127.0.0.1, port: {tls_port}, ca_file: '{ca_file}'}}"
    result = await run_check(spec(check))
    assert result.status == "warn", result
    assert result.summary.startswith("certificate expires in 5 days (")
    assert 5 < result.values["days_left"] < 5.1  # what the TLS warnings at 21/14/7 days read


@pytest.mark.parametrize("tls_port", [90], indirect=True)
async def test_tls_long_lived_certificate_is_ok(tls_port: int, ca_file: str) -> None:
    check = f"{{kind: tls, host: 127.0.0.1, port: {tls_port}, ca_file: '{ca_file}'}}"
    result = await run_check(spec(check))
    assert result.status == "ok", result
    assert result.summary.startswith("certificate expires in 90 days (20")


@pytest.mark.parametrize("tls_port", [5], indirect=True)
async def test_tls_warn_days_is_configurable(tls_port: int) -> None:
    check = f"{{kind: tls, host: 127.0.0.1, port: {tls_port}, verify: false, warn_days: 3}}"
    result = await run_check(spec(check))
    assert result.status == "ok", result


@pytest.mark.parametrize("tls_port", [90], indirect=True)
async def test_tls_unknown_ca_fails_when_verifying(tls_port: int) -> None:
    result = await run_check(spec(f"{{kind: tls, host: 127.0.0.1, port: {tls_port}}}"))
    assert result.status == "fail"
    assert result.summary.startswith("certificate not trusted: ")


@pytest.mark.parametrize("tls_port", [90], indirect=True)
async def test_tls_hostname_mismatch_fails(tls_port: int, ca_file: str) -> None:
    check = f"{{kind: tls, host: localhost, port: {tls_port}, ca_file: '{ca_file}'}}"
    result = await run_check(spec(check))
    assert result.status == "fail"
    assert result.summary.startswith("certificate not trusted: ")


@pytest.mark.parametrize("tls_port", [-2], indirect=True)
async def test_tls_expired_certificate_fails(tls_port: int, ca_file: str) -> None:
    verified = f"{{kind: tls, host: 127.0.0.1, port: {tls_port}, ca_file: '{ca_file}'}}"
    result = await run_check(spec(verified))
    assert result == CheckResult(
        "fail", "certificate not trusted: certificate has expired", result.took_ms
    )
    unverified = f"{{kind: tls, host: 127.0.0.1, port: {tls_port}, verify: false}}"
    result = await run_check(spec(unverified))
    assert result.status == "fail"
    assert result.summary.startswith("certificate expired 1 day ago (")


async def test_tls_down_fails() -> None:
    result = await run_check(spec(f"{{kind: tls, host: 127.0.0.1, port: {closed_port()}}}"))
    assert result == CheckResult("fail", "unreachable: ConnectionRefusedError", result.took_ms)


async def test_tls_silent_server_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # never answers the ClientHello
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        result = await run_check(
            spec(f"{{kind: tls, host: 127.0.0.1, port: {port}}}"), timeout=SHORT
        )
    assert result == CheckResult("fail", f"no answer within {SHORT:g} s", result.took_ms)


async def test_tls_missing_ca_file_is_unknown(tmp_path: Path) -> None:
    check = f"{{kind: tls, host: 127.0.0.1, ca_file: '{tmp_path / 'none.pem'}'}}"
    result = await run_check(spec(check))
    assert result == CheckResult(
        "unknown", "cannot load ca_file: FileNotFoundError", result.took_ms
    )


def test_der_not_after_reads_the_certificate(ca: trustme.CA) -> None:
    not_after = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    cert = ca.issue_cert("example.test", not_after=not_after)
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    assert der_not_after(der) == not_after
    # GeneralizedTime, from 2050 on
    late = datetime(2051, 1, 2, 3, 4, 5, tzinfo=UTC)
    der = ssl.PEM_cert_to_DER_cert(
        ca.issue_cert("example.test", not_after=late).cert_chain_pems[0].bytes().decode()
    )
    assert der_not_after(der) == late


# -- jobs -------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def job(name: str, last_run: datetime | str | None, failures: int = 0) -> dict[str, Any]:
    """One entry as the scheduler's health provider reports it."""
    return {"name": name, "last_run": last_run, "next_run": NOW, "failures": failures}


async def test_jobs_healthy() -> None:
    def jobs() -> list[dict[str, Any]]:
        return [
            job("outbox", NOW - timedelta(minutes=2)),
            job("digest", NOW - timedelta(hours=3)),
            job("escalate", None),
        ]

    result = await run_check(spec("{kind: jobs}"), job_health=jobs, clock=FixedClock(NOW))
    assert result == CheckResult("ok", "3 jobs · last run 2 min ago · 0 failures", result.took_ms)


async def test_jobs_failures_warn() -> None:
    def jobs() -> list[dict[str, Any]]:
        return [job("outbox", "2026-11-27T11:59:30+00:00"), job("digest", None, failures=2)]

    result = await run_check(spec("{kind: jobs}"), job_health=jobs, clock=FixedClock(NOW))
    assert result.status == "warn"
    assert result.summary == "2 jobs · last run 30 s ago · 2 failures (digest)"


async def test_jobs_without_provider_is_unknown() -> None:
    result = await run_check(spec("{kind: jobs}"))
    assert result.status == "unknown"


async def test_a_broken_provider_is_unknown_and_says_only_its_type() -> None:
    def jobs() -> list[dict[str, Any]]:
        raise RuntimeError("token xoxb-s3cret rejected")

    result = await run_check(spec("{kind: jobs}"), job_health=jobs)
    assert result == CheckResult("unknown", "check could not run: RuntimeError", result.took_ms)


# -- validation -------------------------------------------------------------------------------


def test_yaml_kinds_validate_with_defaults() -> None:
    check = spec("{kind: http, url: 'https://example.com/health'}").root
    assert isinstance(check, HttpCheck)
    assert (check.expect_status, check.keyword, check.slow_ms) == (200, None, 3000)
    host = spec("kind: host").root.model_dump()
    assert host == {
        "kind": "host",
        "path": "/",
        "cpu_warn": 80,
        "memory_warn": 85,
        "disk_free_warn": 20,
    }
    tls = spec("{kind: tls, host: example.com}").root.model_dump()
    assert tls == {
        "kind": "tls",
        "host": "example.com",
        "port": 443,
        "warn_days": 21,
        "verify": True,
        "ca_file": None,
        "timeout": None,
    }
    assert spec("kind: jobs").kind == "jobs"
    assert spec("{kind: http, url: 'https://x.test', timeout: 2s}").root.timeout == 2.0
    metric = spec("{kind: metric, url: 'http://x.test/metrics', series: jobs_waiting}").root
    assert (metric.kind, metric.series, metric.rate) == ("metric", "jobs_waiting", None)
    assert spec("{kind: sql, query: select 1}").kind == "sql"


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("{kind: http, url: 'https://x.test', expect_status: abc}", "http.expect_status", "int"),
        ("{kind: metric, url: 'https://x.test'}", "metric", "exactly one of json_path"),
        ("{kind: http, url: 'https://x.test', timeout: 2h}", "http.timeout", "60"),
        ("{kind: http, url: 'https://x.test', expct_status: 200}", "http.expct_status", "extra"),
        ("{kind: http, url: 'ftp://x.test'}", "http.url", "http:// or https://"),
        ("{kind: http}", "http.url", "required"),
        ("{kind: tls, host: x.test, port: 70000}", "tls.port", "less than or equal to 65535"),
        ("{kind: host, cpu_warn: 120}", "host.cpu_warn", "less than or equal to 100"),
        ("{kind: ping, host: x.test}", "", "'host', 'http', 'database', 'tls', 'jobs'"),
        ("{url: 'https://x.test'}", "", "discriminator 'kind'"),
    ],
)
def test_bad_yaml_names_the_field(text: str, where: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        spec(text)
    message = str(caught.value)
    assert says in message
    locations = [".".join(str(part) for part in error["loc"]) for error in caught.value.errors()]
    assert where in locations or (not where and locations == [""]), locations


def test_specs_are_frozen() -> None:
    check = spec("{kind: http, url: 'https://x.test'}")
    with pytest.raises(ValidationError):
        check.root.url = "https://y.test"  # type: ignore[misc]
