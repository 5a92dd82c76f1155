"""The process's log format: one record per line, which nothing a user sends can split."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Everything a terminal or a log viewer may take as the end of a line (or use to move the
# cursor and overwrite one, as ESC does), written out instead. Tab is harmless.
_LINE_BREAKERS = {
    code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F, 0x85] if code != ord("\t")
} | {0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"}
# Tracebacks keep their lines, but every one is indented, so a line that starts at column 0
# always starts a record.
_CONTINUATION = "\n    "

# Libraries that log every request (httpx: each live check's URL, query token and all; Bolt:
# the body of every badly signed request) or statement at INFO: only their warnings are worth
# a line, and carry no URLs.
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "apscheduler",
    "slack_bolt",
    "slack_sdk",
    "sqlalchemy",
    "aiosqlite",
    "psycopg",
    "asyncpg",
)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def escape(text: str) -> str:
    """text on one line: line breaks and control characters written as escapes."""
    return text.translate(_LINE_BREAKERS)


class OneLineFormatter(logging.Formatter):
    """Writes a record's message (and its arguments) on one line; tracebacks indented below."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        return escape(super().formatMessage(record))

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802
        return self._indented(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return self._indented(super().formatStack(stack_info))

    @staticmethod
    def _indented(block: str) -> str:
        lines = [escape(line) for line in block.split("\n")]
        return "    " + _CONTINUATION.join(lines)


def configure(level: int = logging.INFO) -> None:
    """Log to stderr through OneLineFormatter; uvicorn's loggers too (run it with
    log_config=None, so they reach this handler)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
