"""Web API arguments read the way Slack reads them: flags, id lists, timestamps, pages."""

from __future__ import annotations

import base64
from typing import Any

from playground.fake_slack.records import ApiError


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def id_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def ts_key(ts: Any) -> tuple[int, int]:
    # Comparing ts as floats loses the microseconds; compare the two integer parts instead.
    seconds, _, fraction = str(ts).partition(".")
    try:
        return int(seconds or 0), int((fraction or "0").ljust(6, "0")[:6])
    except ValueError as exc:
        raise ApiError("invalid_ts_oldest") from exc


def in_range(
    key: tuple[int, int], oldest: tuple[int, int], latest: tuple[int, int] | None, inclusive: bool
) -> bool:
    if inclusive:
        return key >= oldest and (latest is None or key <= latest)
    return key > oldest and (latest is None or key < latest)


def paginate(
    items: list[Any], a: dict[str, Any], *, default_limit: int, max_limit: int
) -> tuple[list[Any], str]:
    try:
        limit = int(a.get("limit") or default_limit)
    except (TypeError, ValueError) as exc:
        raise ApiError("invalid_limit") from exc
    limit = min(limit, max_limit) if limit > 0 else max_limit
    start = 0
    cursor = a.get("cursor")
    if cursor:
        try:
            decoded = base64.b64decode(str(cursor)).decode()
            start = int(decoded.removeprefix("offset:"))
        except ValueError as exc:
            raise ApiError("invalid_cursor") from exc
    page = items[start : start + limit]
    more = start + limit < len(items)
    next_cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
    return page, next_cursor
