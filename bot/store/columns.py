"""Column types the models share: aware UTC datetimes, policy snapshots, enum states."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, TypeDecorator
from sqlalchemy.engine import Dialect

from bot.config import Policy


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PolicyJSON(TypeDecorator[Policy]):
    """An incident's policy snapshot: JSON in the database, validated once as it is loaded."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Policy | None, dialect: Dialect) -> dict[str, Any] | None:
        return None if value is None else value.to_json()

    def process_result_value(self, value: Any, dialect: Dialect) -> Policy | None:
        return None if value is None else _loaded_policy(value)


# The policies last loaded, with the JSON each came from. Nearly every incident holds the same
# snapshot (the plan's, at declaration), and a Policy is frozen, so one loaded object serves
# them all: comparing the JSON costs a fraction of validating it again.
_POLICIES: list[tuple[Any, Policy]] = []
_POLICIES_KEPT = 4


def _loaded_policy(value: Any) -> Policy:
    for stored, policy in _POLICIES:
        if stored == value:
            return policy
    policy = Policy.model_validate(value)
    _POLICIES.insert(0, (value, policy))
    del _POLICIES[_POLICIES_KEPT:]
    return policy


def state(enum: type[StrEnum], length: int = 20) -> Enum:
    """A column holding one of an enum's values as plain text (no database enum type, no CHECK:
    the schema stays what it was, and a new value needs no migration)."""
    return Enum(
        enum,
        native_enum=False,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )
