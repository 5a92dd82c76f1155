"""The log format: one record per line, whatever the message, its arguments or its error hold."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import FORMAT, OneLineFormatter

FORGED = "2026-11-04 15:00:00,000 ERROR supportbot: forged"


@pytest.fixture
def written() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter(FORMAT))
    logger = logging.getLogger("test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_line_breaks_in_arguments_are_written_out(written):
    logger, stream = written
    logger.warning("refused %s", f"a\n{FORGED}\rb\x1b[2Kc\u2028d\x85e\tf")
    (line,) = stream.getvalue().splitlines()
    assert line.endswith("refused a\\n" + FORGED + "\\rb\\x1b[2Kc\\u2028d\\x85e\tf")


def test_a_traceback_keeps_its_lines_but_indents_them_all(written):
    logger, stream = written
    try:
        raise ValueError(f"bad value\n{FORGED}")
    except ValueError:
        logger.exception("listener failed")
    first, *rest = stream.getvalue().rstrip("\n").split("\n")
    assert first.endswith("listener failed")
    assert rest[0] == "    Traceback (most recent call last):"
    assert all(line.startswith("    ") for line in rest)
    assert f"    {FORGED}" in rest
