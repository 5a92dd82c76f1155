"""Migrated test databases: a SQLite file or a PostgreSQL database, fresh for every test."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from bot.store import upgrade
from tests.support.postgres import PostgresServer

_counter = itertools.count()


class SqliteDatabases:
    """Migrates one SQLite file once, then copies it for each test."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._template = folder / "template.db"
        upgrade(f"sqlite:///{self._template}")

    def fresh(self) -> str:
        path = self._folder / f"test-{next(_counter)}.db"
        shutil.copyfile(self._template, path)
        return f"sqlite:///{path}"


class PostgresDatabases:
    """Migrates one PostgreSQL database once, then clones it (CREATE DATABASE … TEMPLATE)."""

    def __init__(self, server: PostgresServer) -> None:
        self._server = server
        server.create_database("supportbot_template")
        upgrade(server.url("supportbot_template"))

    def fresh(self) -> str:
        name = f"supportbot_test_{next(_counter)}"
        return self._server.create_database(name, template="supportbot_template")
