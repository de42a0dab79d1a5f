"""`type: custom` with `sql_type:`: a column of a type PostgreSQL or an extension defines that the
language has no name for (ltree, tsvector, citext, hstore, point...). The type name is parsed as
the target of a cast and written back from its parse tree, so it can hold nothing but a type."""

from __future__ import annotations

import functools
from typing import Any

from pglast import ast, parser
from pglast.stream import RawStream

from agent.sql.parsing import parse_sql

__all__ = ["custom_type_name"]

_LANGUAGE_NAMES = {
    "uuid": "uuid", "text": "text", "varchar": "string", "character varying": "string", "bpchar": "string",
    "char": "string", "character": "string", "dec": "decimal", "float": "double",
    "int2": "smallint", "smallint": "smallint", "int4": "integer", "integer": "integer", "int": "integer",
    "int8": "bigint", "bigint": "bigint", "numeric": "decimal", "decimal": "decimal", "float4": "float",
    "real": "float", "float8": "double", "double precision": "double", "bool": "boolean", "boolean": "boolean",
    "date": "date", "time": "time", "timestamp": "timestamp", "timestamptz": "timestamp", "interval": "interval",
    "json": "json", "jsonb": "jsonb", "bytea": "bytea", "inet": "inet",
}
"""Types the language names itself: `custom` is for the others."""


@functools.lru_cache(maxsize=1024)
def custom_type_name(text: str) -> str:
    """The canonical name of the type `text` names; ValueError saying why it is not one."""
    try:
        statements = parse_sql(f"SELECT NULL::{text}")
    except parser.ParseError as error:
        raise ValueError(f"{text!r} is not a type name: {error.args[0]}") from None
    cast = _lone_cast(statements)
    if cast is None:
        raise ValueError(f"{text!r} is not a type name")
    name = str(RawStream()(cast.typeName))
    plain = name.rsplit(".", 1)[-1].split("(")[0].split("[")[0].strip().lower()
    if plain in _LANGUAGE_NAMES:
        raise ValueError(f"{name} is the language's own `type: {_LANGUAGE_NAMES[plain]}`: write that instead")
    return name


def _lone_cast(statements: tuple[Any, ...]) -> Any:
    if len(statements) != 1 or not isinstance(statements[0].stmt, ast.SelectStmt):
        return None
    select = statements[0].stmt
    others = ("fromClause", "whereClause", "groupClause", "havingClause", "sortClause", "limitCount",
              "distinctClause", "windowClause", "valuesLists", "withClause", "intoClause", "lockingClause")
    targets = select.targetList or ()
    if any(getattr(select, name, None) for name in others) or len(targets) != 1:
        return None
    target = targets[0]
    value = target.val
    if target.name or not isinstance(value, ast.TypeCast) or not isinstance(value.arg, ast.A_Const):
        return None
    return value if value.arg.isnull else None
