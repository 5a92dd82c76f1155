"""The checks that go over the network: an HTTP endpoint, a TLS certificate's expiry."""

from __future__ import annotations

import asyncio
import functools
import math
import ssl
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import httpx

from bot.checks.result import Status
from bot.config import HttpCheck, TlsCheck


@functools.cache
def trust() -> ssl.SSLContext:
    """httpx's default TLS context, loaded once per process: loading the CA bundle costs ~30 ms
    of CPU, more than the rest of an HTTP check, and a monitor pays it on every check."""
    return httpx.create_ssl_context()


async def check_http(
    check: HttpCheck, timeout: float, values: dict[str, float] | None = None
) -> tuple[Status, str]:
    """GET the URL: fail on the wrong status or a missing keyword, warn when slow."""
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout, verify=trust()) as client:
            response = await client.get(check.url)
            body = response.text if check.keyword is not None else ""
    except httpx.TimeoutException:
        return "fail", f"no answer within {timeout:g} s"
    except httpx.TransportError as exc:  # refused, DNS, TLS, reset: the endpoint is not there
        return "fail", f"unreachable: {type(exc).__name__}"
    ms = round((time.perf_counter() - started) * 1000)
    if values is not None:
        values |= {"response_ms": ms, "status_code": response.status_code}
    answer = f"{response.status_code} in {ms} ms"
    if response.status_code != check.expect_status:
        return "fail", f"{answer} (expected {check.expect_status})"
    if check.keyword is not None and check.keyword not in body:
        return "fail", f"{answer}, but {check.keyword!r} is not in the page"
    if ms > check.slow_ms:
        return "warn", f"{answer} (slow: over {check.slow_ms} ms)"
    return "ok", answer


def _tls_context(check: TlsCheck) -> ssl.SSLContext:
    if check.verify:
        return ssl.create_default_context(cafile=check.ca_file)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def check_tls(
    check: TlsCheck, now: datetime, values: dict[str, float] | None = None
) -> tuple[Status, str]:
    """Handshake and read the certificate's expiry: fail when expired, warn when close."""
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
    if values is not None:
        values["days_left"] = left / timedelta(days=1)
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
