"""Live checks a runbook step or checklist item can carry, run by the bot and shown inline.

A check never raises: whatever happens, it ends in a `CheckResult` with one line for people.
`fail` means the thing checked is down or wrong; `unknown` means the check itself could not run.
Summaries name exception types only, never their messages, so no secret (a password in a
database URL, a token in a header) can reach a Slack message.
"""

from __future__ import annotations

import asyncio
import math
import os
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx
import psutil
from sqlalchemy import Connection
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from bot.clock import Clock, SystemClock
from bot.config import (
    AnyCheck,
    CheckSpec,
    DatabaseCheck,
    HostCheck,
    HttpCheck,
    TlsCheck,
    format_duration,
)
from bot.store import async_engine

Status = Literal["ok", "warn", "fail", "unknown"]
# Every check is bounded; a runbook or checklist post waits at most this long for its checks.
DEFAULT_TIMEOUT = 5.0

JobHealth = Callable[[], Sequence[Mapping[str, Any]]]


@dataclass(frozen=True)
class CheckResult:
    """What a check found: a status and one line for people."""

    status: Status
    summary: str
    took_ms: int


# -- running one ------------------------------------------------------------------------------


async def run_check(
    spec: CheckSpec | AnyCheck,
    *,
    database_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    job_health: JobHealth | None = None,
    clock: Clock | None = None,
) -> CheckResult:
    """Run one check within `timeout` seconds; never raises (except on cancellation).

    `database_url` is the bot's own database, for a `database` check without a `url`;
    `job_health` lists the bot's scheduled jobs, for a `jobs` check.
    """
    check = spec.root if isinstance(spec, CheckSpec) else spec
    now = (clock or SystemClock()).now
    started = time.perf_counter()
    status: Status
    try:
        status, summary = await asyncio.wait_for(
            _run(check, database_url, timeout, job_health, now), timeout
        )
    except TimeoutError:
        status, summary = _timed_out(check, timeout)
    except Exception as exc:  # a bug or an environment we did not foresee: say what, not how
        status, summary = "unknown", f"check could not run: {type(exc).__name__}"
    took_ms = round((time.perf_counter() - started) * 1000)
    return CheckResult(status=status, summary=summary, took_ms=took_ms)


async def _run(
    check: AnyCheck,
    database_url: str | None,
    timeout: float,
    job_health: JobHealth | None,
    now: Callable[[], datetime],
) -> tuple[Status, str]:
    if isinstance(check, HostCheck):
        return await _host(check)
    if isinstance(check, HttpCheck):
        return await _http(check, timeout)
    if isinstance(check, DatabaseCheck):
        return await _database(check.url or database_url)
    if isinstance(check, TlsCheck):
        return await _tls(check, now())
    return _jobs(job_health, now())


def _timed_out(check: AnyCheck, timeout: float) -> tuple[Status, str]:
    if isinstance(check, HttpCheck | DatabaseCheck | TlsCheck):
        return "fail", f"no answer within {timeout:g} s"
    return "unknown", f"check did not finish within {timeout:g} s"


def _percent(value: float) -> str:
    return f"{value:.0f}%"


# host


def _host_figures(path: str) -> tuple[float, float, float]:
    cpu = float(psutil.cpu_percent(interval=0.2))
    memory = float(psutil.virtual_memory().percent)
    disk_used = float(psutil.disk_usage(path).percent)
    return cpu, memory, disk_used


async def _host(check: HostCheck) -> tuple[Status, str]:
    cpu, memory, disk_used = await asyncio.to_thread(_host_figures, check.path)
    disk_free = 100 - disk_used
    high_cpu = cpu >= check.cpu_warn
    high_memory = memory >= check.memory_warn
    low_disk = disk_free < check.disk_free_warn
    parts = [
        f"CPU {_percent(cpu)}" + (f" (warn at {_percent(check.cpu_warn)})" if high_cpu else ""),
        f"memory {_percent(memory)}"
        + (f" (warn at {_percent(check.memory_warn)})" if high_memory else ""),
        f"disk {check.path} {_percent(disk_used)} used ({_percent(disk_free)} free"
        + (f", warn below {_percent(check.disk_free_warn)}" if low_disk else "")
        + ")",
    ]
    return ("warn" if high_cpu or high_memory or low_disk else "ok"), " · ".join(parts)


# http


async def _http(check: HttpCheck, timeout: float) -> tuple[Status, str]:
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.get(check.url)
            body = response.text if check.keyword is not None else ""
    except httpx.TimeoutException:
        return "fail", f"no answer within {timeout:g} s"
    except httpx.TransportError as exc:  # refused, DNS, TLS, reset: the endpoint is not there
        return "fail", f"unreachable: {type(exc).__name__}"
    ms = round((time.perf_counter() - started) * 1000)
    answer = f"{response.status_code} in {ms} ms"
    if response.status_code != check.expect_status:
        return "fail", f"{answer} (expected {check.expect_status})"
    if check.keyword is not None and check.keyword not in body:
        return "fail", f"{answer}, but {check.keyword!r} is not in the page"
    if ms > check.slow_ms:
        return "warn", f"{answer} (slow: over {check.slow_ms} ms)"
    return "ok", answer


# database


def _where(url: URL) -> str:
    """The backend and host, never the user or password: "postgresql at db:5432"."""
    backend = url.get_backend_name()
    if not url.host:
        return backend
    return f"{backend} at {url.host}" + (f":{url.port}" if url.port else "")


def _select_one(connection: Connection) -> Any:
    # Straight through the DBAPI cursor: a SQLAlchemy execute would begin a transaction, which
    # on the bot's SQLite is BEGIN IMMEDIATE (bot.db) and would take the write lock for a ping.
    cursor = connection.connection.cursor()
    try:
        cursor.execute("SELECT 1")
        return cursor.fetchone()
    finally:
        cursor.close()


async def _database(database_url: str | None) -> tuple[Status, str]:
    if not database_url:
        return "unknown", "no database URL to check"
    try:
        url = make_url(database_url)
    except Exception:  # ArgumentError's message repeats the URL, password and all
        return "unknown", "not a valid database URL"
    where = _where(url)
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        return "unknown", f"unsupported database {where} (use sqlite or postgresql)"
    if url.get_backend_name() == "sqlite" and url.database not in {None, "", ":memory:"}:
        # Connecting would create an empty file and report it healthy.
        if not await asyncio.to_thread(os.path.exists, str(url.database)):
            return "fail", f"{where}: database file not found"
    engine = async_engine(database_url)
    started = time.perf_counter()
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_select_one)
    except (DBAPIError, OSError) as exc:
        # DBAPIError wraps the driver's error, e.g. OperationalError: name the driver's type.
        cause = exc.orig if isinstance(exc, DBAPIError) else exc
        return "fail", f"{where} unreachable: {type(cause).__name__}"
    finally:
        await engine.dispose()
    ms = round((time.perf_counter() - started) * 1000)
    return "ok", f"SELECT 1 in {ms} ms ({where})"


# tls


def _tls_context(check: TlsCheck) -> ssl.SSLContext:
    if check.verify:
        return ssl.create_default_context(cafile=check.ca_file)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def _tls(check: TlsCheck, now: datetime) -> tuple[Status, str]:
    try:
        context = await asyncio.to_thread(_tls_context, check)  # reads CA files
    except OSError as exc:
        return "unknown", f"cannot load ca_file: {type(exc).__name__}"
    try:
        _reader, writer = await asyncio.open_connection(
            check.host, check.port, ssl=context, server_hostname=check.host
        )
    except ssl.SSLCertVerificationError as exc:
        return "fail", f"certificate not trusted: {exc.verify_message}"
    except ssl.SSLError as exc:
        return "fail", f"TLS handshake failed: {exc.reason or type(exc).__name__}"
    except OSError as exc:
        return "fail", f"unreachable: {type(exc).__name__}"
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
        with suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 1)
    if not der:
        return "unknown", "no certificate received"
    not_after = der_not_after(der)
    until = not_after.strftime("%Y-%m-%d")
    left = not_after - now
    if left <= timedelta():
        days_ago = math.floor(-left / timedelta(days=1))
        return "fail", f"certificate expired {_days(days_ago)} ago ({until})"
    days = math.floor(left / timedelta(days=1))
    summary = f"certificate expires in {_days(days) if days else 'under a day'} ({until})"
    return ("warn" if days < check.warn_days else "ok"), summary


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _der_item(der: bytes, pos: int) -> tuple[int, int, int]:
    """One DER element at `pos`: its tag, where its content starts and where it ends."""
    tag, length = der[pos], der[pos + 1]
    start = pos + 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(der[start : start + size], "big")
        start += size
    return tag, start, start + length


def der_not_after(der: bytes) -> datetime:
    """The notAfter of a DER X.509 certificate (read without verifying anything)."""
    _, cert, _ = _der_item(der, 0)  # Certificate ::= SEQUENCE { tbsCertificate, ... }
    _, pos, _ = _der_item(der, cert)  # TBSCertificate ::= SEQUENCE { ... }
    tag, _, end = _der_item(der, pos)
    if tag == 0xA0:  # [0] version, present from v2 on
        pos = end
    for _field in ("serialNumber", "signature", "issuer"):
        pos = _der_item(der, pos)[2]
    _, validity, _ = _der_item(der, pos)  # Validity ::= SEQUENCE { notBefore, notAfter }
    tag, start, end = _der_item(der, _der_item(der, validity)[2])
    text = der[start:end].decode("ascii")
    if tag == 0x17:  # UTCTime YYMMDDHHMMSSZ; years 50-99 are 19xx
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    return datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=UTC)


# jobs


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"not a datetime: {type(value).__name__}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ago(delta: timedelta) -> str:
    if delta < timedelta(minutes=1):
        return f"{max(0, int(delta.total_seconds()))} s ago"
    return f"{format_duration(delta)} ago"


def _jobs(job_health: JobHealth | None, now: datetime) -> tuple[Status, str]:
    if job_health is None:
        return "unknown", "job health is not available here"
    jobs = list(job_health())
    if not jobs:
        return "warn", "no scheduled jobs"
    last_runs = [m for m in (_moment(job.get("last_run")) for job in jobs) if m is not None]
    failing = [job for job in jobs if int(job.get("failures") or 0) > 0]
    failures = sum(int(job.get("failures") or 0) for job in jobs)
    parts = [
        f"{len(jobs)} job" + ("" if len(jobs) == 1 else "s"),
        f"last run {_ago(now - max(last_runs))}" if last_runs else "not run yet",
        f"{failures} failure" + ("" if failures == 1 else "s"),
    ]
    if failing:
        parts[-1] += " (" + ", ".join(str(job.get("name", "?")) for job in failing) + ")"
    return ("warn" if failures else "ok"), " · ".join(parts)


async def run_checks(
    checks: Sequence[tuple[int, CheckSpec]],
    *,
    database_url: str | None = None,
    job_health: JobHealth | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, dict[str, Any]]:
    """Run item checks at once; results by item index, each keeping its spec for a re-run."""
    outcomes = await asyncio.gather(
        *(
            run_check(spec, database_url=database_url, timeout=timeout, job_health=job_health)
            for _, spec in checks
        )
    )
    return {
        str(index): {"status": r.status, "summary": r.summary, "spec": spec.model_dump(mode="json")}
        for (index, spec), r in zip(checks, outcomes, strict=True)
    }
