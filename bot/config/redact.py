"""Credentials masked out of anything we print or log: URL passwords, query tokens, secret keys.

Config holds addresses with credentials in them (a database URL's password, a status page's
`?token=`). Printing one — `config check`, a log line — must show where, never the secret.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

MASK = "***"
# Words that, as part of a query parameter's or a mapping key's name, mark a credential
# (`token`, `api_key`, `X-Api-Key`, `client_secret`), but not `keyword` or `author`.
_SECRET_WORDS = frozenset(
    "pass passwd password pwd secret token key apikey auth authorization sig signature"
    " credential credentials session cookie".split()
)
_SECRET_ENDINGS = ("token", "secret", "password", "apikey")
# Anything that looks like an address, inside free text such as a log line.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def is_secret_name(name: str) -> bool:
    """A parameter or key name that holds a credential (token, api_key, password…)."""
    words = [word for word in re.split(r"[^a-z0-9]+", name.lower()) if word]
    return any(word in _SECRET_WORDS or word.endswith(_SECRET_ENDINGS) for word in words)


def _mask_query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, eq, _value = part.partition("=")
        parts.append(f"{name}={MASK}" if eq and is_secret_name(unquote(name)) else part)
    return "&".join(parts)


def mask_url(url: str) -> str:
    """The URL with its password (or a lone user token) and secret query values as ***."""
    scheme, sep, _rest = url.partition("://")
    if not sep:
        # Not an address at all; whatever comes before an @ may still be a user and password.
        _userinfo, at, host = url.rpartition("@")
        return f"{MASK}@{host}" if at else url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed authority
    except ValueError:
        # Not parseable, so we cannot tell the host from the credentials: hide it all.
        return f"{scheme}://{MASK}"
    authority = parts.netloc
    userinfo, at, host = authority.rpartition("@")
    if at:
        user, colon, _password = userinfo.partition(":")
        # A user alone on a web address is usually a token (https://TOKEN@host/…).
        if colon or scheme.lower() in {"http", "https"}:
            userinfo = f"{user}:{MASK}" if colon else MASK
        authority = f"{userinfo}@{host}"
    masked = f"{scheme}://{authority}{parts.path}"
    if parts.query:
        masked += "?" + _mask_query(parts.query)
    if parts.fragment:
        masked += "#" + _mask_query(parts.fragment)
    return masked


def mask_text(text: str) -> str:
    """Free text (a log line, a message) with every URL in it masked."""
    return _URL_IN_TEXT.sub(lambda found: mask_url(found.group(0)), text)


def mask_secrets(data: Any) -> Any:
    """A copy of plain data (dicts, lists, strings) with URLs masked and secret-named keys
    (password, token, headers' Authorization…) replaced by ***."""
    if isinstance(data, dict):
        return {key: _mask_value(key, value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [mask_secrets(value) for value in data]
    if isinstance(data, str):
        return mask_text(data)
    return data


def _mask_value(key: Any, value: Any) -> Any:
    if isinstance(key, str) and isinstance(value, str):
        if is_secret_name(key):
            return MASK
        if key.lower().endswith("url"):
            return mask_url(value)
    return mask_secrets(value)
