"""A column matching any value of a list parameter, in SQL that is the same however long the
list is.

`column.in_(bindparam(..., expanding=True))` renders one placeholder per value, so a claim
taking 3 messages and one taking 7 are two statements to PostgreSQL. asyncpg prepares each
statement it has not seen on a connection before running it: a round trip of its own (and
the server's parse and plan) on the path to every page DM, about two a declaration under
`bench.paging`, most of them for the outbox claim, whose list of deliveries in flight is a
different length nearly every time. On PostgreSQL the list goes as one array parameter
(`= ANY($1)`), one statement for every length; SQLite, which prepares in-process, keeps IN."""

from __future__ import annotations

from typing import Any

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, coercions, operators, roles
from sqlalchemy.sql.elements import Grouping
from sqlalchemy.sql.sqltypes import NULLTYPE
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal


class OneOf(ColumnElement[Any]):
    """column IN (the values of the list parameter name); see one_of."""

    __visit_name__ = "one_of"
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]
    # Untyped: typed Boolean, SQLite (no native boolean) would be given `(… IN (…)) = 1`,
    # which its planner cannot answer from an index.
    type: TypeEngine[Any] = NULLTYPE

    def __init__(self, column: Any, name: str) -> None:
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.name = name

    def self_group(self, against: Any = None) -> Any:
        # NOT (… IN …) rather than NOT … IN …, which is the same but reads as a riddle.
        return Grouping(self) if against is operators.inv else self


def one_of(column: Any, name: str) -> OneOf:
    """column matching any value of the list given as parameter name (ints or strings)."""
    return OneOf(column, name)


@compiles(OneOf)
def _as_in(element: OneOf, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw))


@compiles(OneOf, "postgresql")
def _as_any(element: OneOf, compiler: Any, **kw: Any) -> str:
    values = bindparam(element.name, type_=ARRAY(element.column.type))
    return str(compiler.process(element.column == any_(values), **kw))
