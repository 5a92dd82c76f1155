"""What this database is for: a production bot's or the playground's, recorded at first start.

The playground marks every queued message as delivered into its emulator and runs the
scheduled jobs; on a production database that would swallow real pages. Production demo data
would be as bad the other way round. So the first start records its mode, and a start in the
other mode is refused.

It also holds the install id: a random id made once per database, which every message the
bot marks for record-and-check carries, so a reset database (or a second install on the same
workspace) never takes another install's INC-1 post for its own."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import Engine, String
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.errors import ConfigError
from bot.store.engine import sync_engine
from bot.store.migrate import upgrade
from bot.store.models import Base, ChecklistRun

MODE_KEY = "mode"
INSTALL_ID_KEY = "install_id"
FIRST_START_KEY = "first_start"
# Tables that say nothing about use: the schema version, this record itself, and the one row
# /healthz rewrites (its migration creates it).
_BOOKKEEPING = {"alembic_version", "install", "heartbeat"}


class Mode(StrEnum):
    """Who runs on a database."""

    PRODUCTION = "production"
    PLAYGROUND = "playground"


class InstallSetting(Base):
    """One fact about this install, by key (its mode, its id)."""

    __tablename__ = "install"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class WrongDatabase(ConfigError):
    """The database belongs to the other mode (or to something the playground did not make)."""

    code = "wrong_database"


def open_database(database_url: str, mode: Mode, *, adopt_unmarked: bool) -> None:
    """Bring the schema up to date for `mode` and record the mode, or raise WrongDatabase.

    A database with no mode recorded is taken when it is empty, or when adopt_unmarked: a
    production database (or the playground's own file) from before modes were recorded."""
    where = make_url(database_url).render_as_string(hide_password=True)
    engine = sync_engine(database_url)
    try:
        recorded, used = _recorded_mode(engine), _holds_data(engine)
    finally:
        engine.dispose()
    if recorded is not None and recorded != mode:
        raise WrongDatabase(_refusal(where, Mode(recorded)))
    if recorded is None and used and not adopt_unmarked:
        raise WrongDatabase(
            f"{where} holds data the playground did not write: the playground starts only on"
            " its own database or a new, empty one. Unset DATABASE_URL to use its own"
            " supportbot-playground.db."
        )
    upgrade(database_url)
    if recorded is None:
        won = _record(database_url, mode)
        if won != mode:
            raise WrongDatabase(_refusal(where, Mode(won)))


def _refusal(where: str, recorded: Mode) -> str:
    if recorded is Mode.PRODUCTION:
        return (
            f"{where} is a production bot's database: the playground will not start on it (it"
            " would deliver the bot's queued messages into its emulator and run its jobs)."
            " Unset DATABASE_URL to use the playground's own supportbot-playground.db."
        )
    return (
        f"{where} holds the playground's demo data: a production bot will not start on it."
        " Point DATABASE_URL at the production database, or a new one."
    )


def _recorded_mode(engine: Engine) -> str | None:
    if not sa.inspect(engine).has_table(InstallSetting.__tablename__):
        return None
    return _setting(engine, MODE_KEY)


def _setting(engine: Engine, key: str) -> str | None:
    with engine.connect() as connection:
        return connection.scalar(sa.select(InstallSetting.value).where(InstallSetting.key == key))


def _insert_once(engine: Engine, key: str, value: str) -> str:
    """Record value under key unless a start racing this one recorded its own; the one kept."""
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(InstallSetting).values(key=key, value=value))
    except IntegrityError:
        pass
    recorded = _setting(engine, key)
    assert recorded is not None
    return recorded


def install_id(database_url: str) -> str:
    """This database's own random id, made at its first read and never changed after.

    Made on first read rather than by a migration: a database copied from a migrated template
    (or restored into a second install) gets its own the first time a bot starts on it."""
    engine = sync_engine(database_url)
    try:
        return _setting(engine, INSTALL_ID_KEY) or _insert_once(
            engine, INSTALL_ID_KEY, secrets.token_hex(8)
        )
    finally:
        engine.dispose()


def _holds_data(engine: Engine) -> bool:
    names = set(sa.inspect(engine).get_table_names()) - _BOOKKEEPING
    with engine.connect() as connection:
        return any(
            connection.scalar(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1))
            for name in sorted(names)
        )


def _record(database_url: str, mode: Mode) -> str:
    """Record mode unless a start racing this one recorded its own; the mode that won."""
    engine = sync_engine(database_url)
    try:
        return _insert_once(engine, MODE_KEY, mode.value)
    finally:
        engine.dispose()


async def first_start(sessions: async_sessionmaker[AsyncSession]) -> datetime | None:
    """When a bot first started on this database; None before any did."""
    async with sessions() as session:
        value = await session.scalar(
            sa.select(InstallSetting.value).where(InstallSetting.key == FIRST_START_KEY)
        )
    return datetime.fromisoformat(value) if value else None


async def record_first_start(sessions: async_sessionmaker[AsyncSession], now: datetime) -> datetime:
    """Record now as the first start unless one is recorded (a racing start may win); the one
    kept. Schedules look no further back than this: before it there was no bot to miss a slot."""
    recorded = await first_start(sessions)
    if recorded is not None:
        return recorded
    try:
        async with sessions.begin() as session:
            # A database from before starts were recorded: its bot was there at its first run.
            earliest = await session.scalar(sa.select(sa.func.min(ChecklistRun.created_at)))
            since = min(now, earliest) if earliest else now
            session.add(InstallSetting(key=FIRST_START_KEY, value=since.isoformat()))
    except IntegrityError:
        pass
    kept = await first_start(sessions)
    assert kept is not None
    return kept
