"""Unauthenticated requests cannot flood or forge the log: `supportbot serve`, a real process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from playground.fake_slack import FakeSlack, FakeSlackServer
from playground.slack_requests import signed_headers

SECRET = "limits-signing-secret-0123456789"
FORGED = "2026-11-04 15:00:00,000 ERROR supportbot: forged by the request"
MB = 1024 * 1024


class ServeProcess:
    """`supportbot serve` with credentials, its stderr (the log) collected as it is written."""

    def __init__(self, tmp: Path, api_url: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SUPPORTBOT_"))}
        env |= {
            "SLACK_BOT_TOKEN": "xoxb-limits",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": f"sqlite:///{tmp / 'limits.db'}",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)],
            cwd=tmp,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        for _ in range(400):
            try:
                httpx.get(f"{self.url}/healthz", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("supportbot serve did not start:\n" + "".join(self.lines))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def log(self) -> str:
        time.sleep(0.3)  # let the reader catch up with what was just written
        return "".join(self.lines)

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
        return kb / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self._reader.join(timeout=5)


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    with FakeSlackServer(FakeSlack(users=[{"id": "U1", "name": "u1"}])) as slack:
        server = ServeProcess(tmp_path_factory.mktemp("limits"), slack.api_url)
        try:
            yield server
        finally:
            server.stop()


def raw_post(port: int, head: str, body_chunks: Iterator[bytes]) -> tuple[str, float]:
    """POST over a raw socket, writing the body from a thread while the answer is read.

    Returns the status line and how long it took. A server that answers early and closes is
    fine: the writer just stops."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    started = time.monotonic()
    sock.sendall(head.encode())

    def write() -> None:
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    answer = b""
    while b"\r\n" not in answer:
        data = sock.recv(4096)
        if not data:
            break
        answer += data
    took = time.monotonic() - started
    sock.close()
    writer.join(timeout=30)
    return answer.split(b"\r\n")[0].decode(), took


def garbage(total: int, line: str) -> Iterator[bytes]:
    """`total` bytes of form body, a forged log line inside every 64 KB."""
    piece = ("text=" + "x" * 200 + "\n" + line + "\n").encode()
    chunk = (piece * (64 * 1024 // len(piece) + 1))[: 64 * 1024]
    for _ in range(total // len(chunk)):
        yield chunk


def test_a_50_mb_unsigned_body_is_413_at_once_unread_and_unlogged(serve):
    before = serve.rss_mb()
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {50 * MB}\r\n\r\n"
    )
    status, took = raw_post(serve.port, head, garbage(50 * MB, FORGED))
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert took < 2
    assert serve.rss_mb() - before < 20
    assert "forged by the request" not in serve.log()
    assert httpx.get(f"{serve.url}/healthz").status_code == 200


def test_a_chunked_body_is_counted_as_it_arrives(serve):
    before = serve.rss_mb()
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunks = (b"%x\r\n%s\r\n" % (len(c), c) for c in garbage(50 * MB, FORGED))
    status, took = raw_post(serve.port, head, chunks)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert took < 5
    assert serve.rss_mb() - before < 20
    assert "forged by the request" not in serve.log()


def test_a_small_body_just_under_the_limit_is_still_checked_for_its_signature(serve):
    body = b"text=" + b"x" * (MB - 10)
    answer = httpx.post(
        f"{serve.url}/slack/events",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 401


def test_an_unsigned_body_with_a_newline_forges_no_log_line(serve):
    # Raw, not form-encoded: whatever bytes an attacker sends.
    body = ("command=/incident&text=site down\n" + FORGED + "\n").encode()
    headers = signed_headers("not-the-secret", body)
    answer = httpx.post(f"{serve.url}/slack/events", content=body, headers=headers)
    assert answer.status_code == 401
    log = serve.log()
    assert "forged by the request" not in log
    assert "site down" not in log


@pytest.mark.parametrize("timestamp", ["not-a-number", "", "1e9", "9" * 5000, "-5", "17.5"])
def test_a_bad_timestamp_is_401_not_500(serve, timestamp):
    body = b"command=%2Fincident&text=hello"
    headers = signed_headers(SECRET, body)
    headers["X-Slack-Request-Timestamp"] = timestamp
    answer = httpx.post(f"{serve.url}/slack/events", content=body, headers=headers)
    assert answer.status_code == 401
    assert "Traceback" not in serve.log()


def test_a_signed_request_still_works(serve):
    body = b"ssl_check=1&token=x"
    answer = httpx.post(
        f"{serve.url}/slack/events", content=body, headers=signed_headers(SECRET, body)
    )
    assert answer.status_code == 200


def test_a_newline_in_a_logged_value_stays_on_its_line(serve):
    # Bolt warns about a request no listener handles and quotes its action id raw; the id is
    # whatever the signed request carried.
    payload = {
        "type": "block_suggestion",
        "user": {"id": "U1"},
        "team": {"id": "T0TEAM"},
        "api_app_id": "A0APP",
        "action_id": "pick\n" + FORGED,
        "block_id": "b",
        "value": "x",
    }
    body = ("payload=" + quote(json.dumps(payload))).encode()
    httpx.post(f"{serve.url}/slack/events", content=body, headers=signed_headers(SECRET, body))
    log = serve.log()
    assert "forged by the request" in log  # it was logged…
    assert not any(line.startswith(FORGED) for line in log.splitlines())  # …on no line of its own
