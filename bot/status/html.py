"""The status page as HTML: a Jinja2 template, autoescaped, no scripts, nothing fetched."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.config import format_duration
from bot.status.views import StatusPage

# Browsers re-read the page this often: a status page left open stays current without JS.
REFRESH_SECONDS = 60


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.status", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.filters["duration"] = format_duration
    return env


def render_status(page: StatusPage) -> str:
    """The whole page, times shown in the plan's timezone."""
    zone = ZoneInfo(page.timezone)

    def local(when: datetime | None, fmt: str = "%d %b %H:%M") -> str:
        return "—" if when is None else when.astimezone(zone).strftime(fmt)

    def ago(when: datetime | None) -> str:
        if when is None:
            return "never"
        gone = max(page.generated_at - when, timedelta())
        return "just now" if gone < timedelta(minutes=1) else f"{format_duration(gone)} ago"

    return (
        _environment()
        .get_template("status.html.j2")
        .render(page=page, local=local, ago=ago, refresh=REFRESH_SECONDS)
    )
