"""Alembic environment: runs migrations on the URL handed over by bot.migrate."""

from __future__ import annotations

from alembic import context

# The package, not bot.store.models: every module that declares a table registers it.
from bot.store import Base
from bot.store.engine import sync_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate using the connection bot.migrate passed in, or the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sync_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
