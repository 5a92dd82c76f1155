"""Runbooks: the library loaded from YAML and runs with live checks."""

from __future__ import annotations

from bot.runbooks.library import DEFAULT_FOLDER, RunbookLibrary, load_runbooks
from bot.runbooks.service import RunbookService

__all__ = ["DEFAULT_FOLDER", "RunbookLibrary", "RunbookService", "load_runbooks"]
