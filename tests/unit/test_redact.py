"""Credentials masked in what we print: passwords, query tokens, secret-named keys."""

from __future__ import annotations

import pytest

from bot.config import mask_secrets, mask_text, mask_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bot:hunter2@db:5432/x", "postgresql://bot:***@db:5432/x"),
        (
            "postgresql+psycopg://u:p%40ss@h/x?sslmode=require",
            "postgresql+psycopg://u:***@h/x?sslmode=require",
        ),
        ("postgresql://bot@db/x", "postgresql://bot@db/x"),
        ("https://ghp_abc123@github.com/o/r", "https://***@github.com/o/r"),
        (
            "https://s.example/h?token=t1&v=2&api_key=k2",
            "https://s.example/h?token=***&v=2&api_key=***",
        ),
        (
            "https://s.example/h?keyword=up#access_token=t3",
            "https://s.example/h?keyword=up#access_token=***",
        ),
        ("sqlite:////var/lib/bot.db", "sqlite:////var/lib/bot.db"),
        ("http://[broken/x?token=t4", "http://***"),
        ("user:pw@host", "***@host"),
    ],
)
def test_mask_url_hides_credentials_and_keeps_the_address(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_mask_text_masks_urls_inside_a_log_line() -> None:
    line = 'HTTP Request: GET http://127.0.0.1:8080/health?token=t5 "HTTP/1.1 200 OK"'
    assert (
        mask_text(line)
        == 'HTTP Request: GET http://127.0.0.1:8080/health?token=*** "HTTP/1.1 200 OK"'
    )


def test_mask_secrets_walks_plain_data() -> None:
    data = {
        "check": {"kind": "http", "url": "http://u:p6@h/", "keyword": "ok"},
        "headers": {"Authorization": "Bearer t7", "X-Api-Key": "k8", "Accept": "text/plain"},
        "items": ["see https://h/?secret=s9"],
    }
    assert mask_secrets(data) == {
        "check": {"kind": "http", "url": "http://u:***@h/", "keyword": "ok"},
        "headers": {"Authorization": "***", "X-Api-Key": "***", "Accept": "text/plain"},
        "items": ["see https://h/?secret=***"],
    }
