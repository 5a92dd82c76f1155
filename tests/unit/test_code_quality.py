"""The linters the project commits to (config in pyproject.toml) pass on the whole tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["ruff", "check", "."], id="ruff"),
        pytest.param(["mypy"], id="mypy"),  # files = ["bot"], strict, from pyproject.toml
    ],
)
def test_tool_passes(argv: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *argv],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"`{' '.join(argv)}` exited {result.returncode}:\n{output}"
