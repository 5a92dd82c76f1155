"""What a live check is, as validated config: a runbook step's or checklist item's `check:`.

Only the definitions live here, so loading the config needs none of the libraries that run
checks (psutil, httpx, SQLAlchemy); `bot.checks` runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal, Protocol
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    field_validator,
    model_validator,
)

from bot.config.durations import parse_duration


class _Kind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _seconds(value: object) -> object:
    return parse_duration(value).total_seconds() if isinstance(value, str) else value


# A check's own bound ("5s"), in seconds; None: the caller's (5 s for a post's checks).
Timeout = Annotated[float, BeforeValidator(_seconds), Field(gt=0, le=60)] | None


class HostCheck(_Kind):
    """CPU, memory and disk of the machine the bot runs on (the seed plan's alert levels)."""

    kind: Literal["host"]
    path: str = "/"
    cpu_warn: float = Field(80, gt=0, le=100, description="warn at this CPU % or above")
    memory_warn: float = Field(85, gt=0, le=100, description="warn at this memory % or above")
    disk_free_warn: float = Field(20, ge=0, lt=100, description="warn below this % free")


class HttpCheck(_Kind):
    """An HTTP(S) endpoint answers with the expected status (and keyword), quickly enough."""

    kind: Literal["http"]
    url: str
    expect_status: int = Field(200, ge=100, le=599)
    keyword: str | None = Field(None, min_length=1)
    slow_ms: int = Field(3000, gt=0)
    timeout: Timeout = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _http_address(value)


class DatabaseCheck(_Kind):
    """`SELECT 1` on a database: `url`, or by default the bot's own."""

    kind: Literal["database"]
    # The URL may hold a password. It is checked when the check runs, not here: a validation
    # error quotes the input, and an outer model decides whether errors may hide it.
    url: str | None = Field(None, repr=False)


class TlsCheck(_Kind):
    """A TLS endpoint's certificate is trusted and not about to expire."""

    kind: Literal["tls"]
    host: str = Field(min_length=1)
    port: int = Field(443, ge=1, le=65535)
    warn_days: int = Field(21, ge=0)
    verify: bool = True
    ca_file: str | None = Field(None, description="trust this CA bundle instead of the system's")
    timeout: Timeout = None


def _http_address(value: str) -> str:
    try:
        url = urlsplit(value)
        host = url.hostname
    except ValueError:
        raise ValueError("not a valid URL") from None
    if url.scheme not in {"http", "https"} or not host:
        raise ValueError("must be an http:// or https:// address with a host")
    return value


class MetricCheck(_Kind):
    """A number read over HTTP: a JSON path into the answer, or a Prometheus text series.

    A Prometheus counter (TYPE counter, or a name ending in `_total`) is turned into a rate per
    second between two reads, unless `rate: false`."""

    kind: Literal["metric"]
    url: str
    json_path: str | None = Field(None, min_length=1, description="e.g. queue.depth or jobs.0.n")
    series: str | None = Field(
        None, min_length=1, description='a Prometheus series, e.g. http_requests_total{code="500"}'
    )
    rate: bool | None = Field(None, description="None: counters become rates, gauges stay")
    above: float | None = Field(None, description="degraded (warn) above this")
    below: float | None = Field(None, description="degraded (warn) below this")
    timeout: Timeout = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _http_address(value)

    @model_validator(mode="after")
    def _one_source(self) -> MetricCheck:
        if (self.json_path is None) == (self.series is None):
            raise ValueError("give exactly one of json_path (JSON) or series (Prometheus text)")
        return self


class SqlCheck(_Kind):
    """A query returning one number: connections against capacity, queue depth, orders today."""

    kind: Literal["sql"]
    query: str = Field(min_length=1)
    # As for `database`: may hold a password, checked when run, never quoted back.
    url: str | None = Field(None, repr=False, description="None: the bot's own database")
    above: float | None = Field(None, description="degraded (warn) above this")
    below: float | None = Field(None, description="degraded (warn) below this")
    timeout: Timeout = None


class JobsCheck(_Kind):
    """The bot's own scheduled jobs: when they last ran and whether they failed."""

    kind: Literal["jobs"]


AnyCheck = HostCheck | HttpCheck | DatabaseCheck | TlsCheck | JobsCheck | MetricCheck | SqlCheck


class CheckSpec(RootModel[Annotated[AnyCheck, Field(discriminator="kind")]]):
    """One check of any kind, picked by its `kind` (`{kind: http, url: ..., expect_status: 200}`).

    Validation errors name the kind and the field, e.g. `http.expect_status`.
    """

    model_config = ConfigDict(frozen=True)

    @property
    def kind(self) -> str:
        return self.root.kind


class Checked(Protocol):
    """A checklist item or runbook step: its text and its check."""

    @property
    def text(self) -> str: ...

    @property
    def check(self) -> CheckSpec | None: ...


def current_check(items: Sequence[Checked], index: int, text: str) -> CheckSpec | None:
    """The check a posted item has in today's config: the item at `index` if its text is the
    same, else the first item with that text; None when the config no longer has it."""
    if 0 <= index < len(items) and items[index].text == text:
        return items[index].check
    return next((item.check for item in items if item.text == text), None)
