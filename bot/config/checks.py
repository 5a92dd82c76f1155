"""What a live check is, as validated config: a runbook step's or checklist item's `check:`.

Only the definitions live here, so loading the config needs none of the libraries that run
checks (psutil, httpx, SQLAlchemy); `bot.checks` runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator


class _Kind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            url = urlsplit(value)
            host = url.hostname
        except ValueError:
            raise ValueError("not a valid URL") from None
        if url.scheme not in {"http", "https"} or not host:
            raise ValueError("must be an http:// or https:// address with a host")
        return value


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


class JobsCheck(_Kind):
    """The bot's own scheduled jobs: when they last ran and whether they failed."""

    kind: Literal["jobs"]


AnyCheck = HostCheck | HttpCheck | DatabaseCheck | TlsCheck | JobsCheck


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
