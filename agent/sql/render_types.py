"""Native enum types and the objects of `sql_objects:` to SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.plan import enum_operations as enum
from agent.plan.object_operations import (
    CommentSqlObject,
    CreateSqlObject,
    DisownSequence,
    DropSqlObject,
    OwnSequence,
)
from agent.plan.operations import Operation
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.names import bounded_name

__all__ = ["TYPE_AND_OBJECT_RENDERERS"]


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(quote_literal(v) for v in values)


def _create(op: enum.CreateEnumType) -> str:
    return f"CREATE TYPE {quote_ident(op.name)} AS ENUM ({_values(op.values)});"


def _drop(op: enum.DropEnumType) -> str:
    return f"DROP TYPE {quote_ident(op.name)};"


def _add_value(op: enum.AddEnumValue) -> str:
    first = op.values_before[0]
    where = f"AFTER {quote_literal(op.after)}" if op.after is not None else f"BEFORE {quote_literal(first)}"
    return f"ALTER TYPE {quote_ident(op.name)} ADD VALUE {quote_literal(op.value)} {where};"


# What lint says of the only ways PostgreSQL offers; the project asked for each change.
RENAME_ASKED = ("-- agent:ignore MA212 the project renames the value (renamed_from): the code deployed "
                "with this migration sends the new label")
SWAP_CAST = ("-- agent:ignore MA108 an enum type loses or reorders values only through a new type: "
             "each column is cast to it under its lock")


def _rename_value(op: enum.RenameEnumValue) -> str:
    rename = f"ALTER TYPE {quote_ident(op.name)} RENAME VALUE {quote_literal(op.old)} TO {quote_literal(op.new)};"
    return rename if op.undoes else f"{RENAME_ASKED}\n{rename}"


def _recreate(op: enum.RecreateEnumType) -> str:
    """Rows holding a value the new type lacks make the cast fail: the migration stops, nothing is lost."""
    name, old = quote_ident(op.name), quote_ident(bounded_name(f"{op.name}_old"))
    lines = [f"ALTER TYPE {name} RENAME TO {old};",
             f"CREATE TYPE {name} AS ENUM ({_values(op.values_after)});"]
    for column in op.columns:
        table, target = quote_ident(column.table), quote_ident(column.column)
        cast = f"{name}[]" if column.array else name
        via = "text[]" if column.array else "text"
        if column.default is not None:
            lines.append(f"ALTER TABLE {table} ALTER COLUMN {target} DROP DEFAULT;")
        lines.append(SWAP_CAST)
        lines.append(f"ALTER TABLE {table} ALTER COLUMN {target} TYPE {cast} USING {target}::{via}::{cast};")
        if column.default is not None:
            lines.append(f"ALTER TABLE {table} ALTER COLUMN {target} SET DEFAULT {column.default};")
    lines.append(f"DROP TYPE {old};")
    return "\n".join(lines)


def _create_object(op: CreateSqlObject) -> str:
    return "\n".join(f"{statement};" for statement in (op.sql_object.create, *op.sql_object.then))


def _comment_object(op: CommentSqlObject) -> str:
    return f"{op.statement};"


def _own_sequence(op: OwnSequence) -> str:
    assert op.sql_object.own is not None
    return f"{op.sql_object.own[0]};"


def _disown_sequence(op: DisownSequence) -> str:
    assert op.sql_object.own is not None
    return f"{op.sql_object.own[1]};"


def _drop_object(op: DropSqlObject) -> str:
    return f"{op.sql_object.drop};"


TYPE_AND_OBJECT_RENDERERS: dict[type[Operation], Callable[[Any], str]] = {
    CreateSqlObject: _create_object,
    DropSqlObject: _drop_object,
    OwnSequence: _own_sequence,
    CommentSqlObject: _comment_object,
    DisownSequence: _disown_sequence,
    enum.CreateEnumType: _create,
    enum.DropEnumType: _drop,
    enum.AddEnumValue: _add_value,
    enum.RenameEnumValue: _rename_value,
    enum.RecreateEnumType: _recreate,
}
