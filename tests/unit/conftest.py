"""Fixtures for unit tests that work on the app's own engine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store import async_engine, session_factory


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The app's engine (statements on the loop's thread, as the app runs them) on a freshly
    migrated database of each kind."""
    engine = async_engine(database_url, inline=True)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)
