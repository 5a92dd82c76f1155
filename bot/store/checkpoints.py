"""SQLite's WAL checkpoints, made on a thread with a connection of their own.

In WAL mode a commit appends its pages to the log, and now and then the log is copied back
into the database file and both are fsynced: a checkpoint. By default the connection that
commits makes it, inside its COMMIT, whenever the log has passed 1,000 pages. The app's
statements run on the event loop's thread (bot/store/inline_sqlite.py), so that
COMMIT held the whole loop: 14–22 ms, once every 13 or so Tier 1 declarations with their
deliveries, each time in the way of every request and page DM in flight.

The app's connection makes none (wal_autocheckpoint=0). After a commit, when none is running
and the last began CHECKPOINT_EVERY ago, a Checkpointer makes a PASSIVE one (it waits for
nobody and nobody waits for it) on the thread it is given, with a connection of its own.
A log starts again from its beginning only once all of it is in the database, and under a
steady stream of writes a checkpoint made beside them never reaches its end: past CATCH_UP_AT
pages the app's next transaction waits, off the loop, while its own connection copies what is
left (catch_up), so its first write starts the log again. If checkpoints cannot be made (the
file cannot be opened a second time), the connection makes them itself again, as SQLite
would."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

# About as often as SQLite's own default (1,000 pages) comes round under the paging
# benchmark's load, and never more often than this while writes come.
CHECKPOINT_EVERY = 0.5  # seconds
# 16 MB of log at 4 KiB pages, not yet all copied: the next transaction waits for the rest.
CATCH_UP_AT = 4000  # pages
# What the connection goes back to when checkpoints cannot be made: SQLite's default.
SQLITE_AUTOCHECKPOINT = 1000

OffLoop = Callable[[Callable[[], Any]], Awaitable[Any]]


class Checkpointer:
    """Checkpoints of one database file, after its connection's commits, off the loop.

    off_loop runs a blocking function on a thread and gives its result: the checkpoints'
    connection is used there only."""

    def __init__(self, path: str, off_loop: OffLoop) -> None:
        self._path = path
        self._off_loop = off_loop
        self._connection: sqlite3.Connection | None = None
        self._running: asyncio.Task[None] | None = None
        self._last = -CHECKPOINT_EVERY
        self.failed = False
        # Set on the thread, read on the loop: the log has outgrown the passive checkpoints.
        self.catch_up = False

    def committed(self) -> None:
        """The connection committed: start a checkpoint, unless one runs or began just now."""
        if self._running is not None or self.failed:
            return
        now = time.monotonic()
        if now - self._last < CHECKPOINT_EVERY:
            return
        self._last = now
        self._running = asyncio.ensure_future(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            await self._off_loop(self._make)
        except Exception as exc:
            self.failed = True
            log.warning(
                "SQLite checkpoints fall back to the app's own connection: %s",
                type(exc).__name__,
            )
        finally:
            self._running = None

    def _make(self) -> None:
        # On the thread.
        if self._connection is None:
            self._connection = sqlite3.connect(
                self._path, isolation_level=None, check_same_thread=False
            )
        _busy, pages, _copied = checkpoint(self._connection)
        # Even when all of it was copied: the app's connection has likely written since.
        if pages >= CATCH_UP_AT:
            self.catch_up = True

    async def close(self) -> None:
        """Wait for the checkpoint running, and close the checkpoints' connection."""
        if (running := self._running) is not None:
            await asyncio.wait([running])
        if (connection := self._connection) is not None:
            self._connection = None
            await self._off_loop(connection.close)


def checkpoint(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """A PASSIVE checkpoint: (1 if another was running, pages in the log, pages copied)."""
    row = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return (int(row[0]), int(row[1]), int(row[2]))
