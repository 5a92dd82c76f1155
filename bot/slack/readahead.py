"""Rows a worker's claim read for the messages it took, handed to each delivery in turn."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")


class ReadAhead(Generic[K, V]):
    """What a claim read, in its own transaction, for the messages it took: one read for many
    (a declaration's four page DMs share their incident) instead of a read transaction per
    delivery, and as fresh, since a message is claimed only once what it shows has committed.

    Each value is taken by the deliveries of the messages it was read for (takers), once
    each; one that finds nothing reads for itself. Every claim keeps what it read again, so
    nothing older is ever taken."""

    def __init__(self, most: int = 1000) -> None:
        self._rows: dict[K, tuple[V, int]] = {}
        self._most = most

    def keep(self, key: K, value: V, takers: int = 1) -> None:
        if len(self._rows) >= self._most:
            # Reads no delivery took (a claim whose transaction failed after reading).
            self._rows.clear()
        self._rows[key] = (value, takers)

    def take(self, key: K) -> V | None:
        kept = self._rows.pop(key, None)
        if kept is None:
            return None
        value, takers = kept
        if takers > 1:
            self._rows[key] = (value, takers - 1)
        return value

    async def take_or_read(
        self,
        key: K,
        sessions: async_sessionmaker[AsyncSession],
        read: Callable[[AsyncSession, K], Awaitable[R]],
    ) -> V | R:
        """What the claim read for key, else read now in a read transaction of its own (the
        claim found nothing for it, or its read was already taken)."""
        value = self.take(key)
        if value is not None:
            return value
        async with sessions() as session:
            return await read(session, key)
