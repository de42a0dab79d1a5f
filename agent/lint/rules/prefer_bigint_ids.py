"""MA501: a key column typed integer or smallint."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import (
    INT_TYPES,
    TABLE_DEFINITIONS,
    column_defs,
    location,
    string_values,
    table_constraints,
    type_name,
)
from agent.lint.source import Statement

__all__ = ["RULE"]

_KEY_KINDS = (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_FOREIGN, ConstrType.CONSTR_IDENTITY)
_SMALL_SERIALS = ("serial", "serial4", "serial2", "smallserial")


def _key_columns(node: ast.Node) -> set[str]:
    keys: set[str] = set()
    for constraint in table_constraints(node):
        if constraint.contype == ConstrType.CONSTR_PRIMARY:
            keys.update(string_values(constraint.keys))
        if constraint.contype == ConstrType.CONSTR_FOREIGN:
            keys.update(string_values(constraint.fk_attrs))
    return keys


def _is_key(column: ast.ColumnDef, keys: set[str]) -> bool:
    kinds = {c.contype for c in column.constraints or ()}
    return column.colname in keys or bool(kinds & set(_KEY_KINDS)) or column.colname == "id"


def _small(column: ast.ColumnDef) -> bool:
    kind = type_name(column.typeName)
    return kind in INT_TYPES or kind in _SMALL_SERIALS


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    keys = _key_columns(statement.node)
    for column in column_defs(statement.node):
        if _small(column) and _is_key(column, keys):
            yield RULE.at(context, location(column, statement.start), column=column.colname,
                          type=type_name(column.typeName))


RULE = Rule(
    code="MA501",
    name="prefer-bigint-ids",
    severity=Severity.WARNING,
    message="key column {column} is {type}: it runs out at about 2.1 billion values",
    why=(
        "Sequences never reuse numbers, so a busy integer key exhausts its range, and widening "
        "a key later rewrites the table and every table that references it."
    ),
    instead="bigint (bigint GENERATED ALWAYS AS IDENTITY for generated keys), or uuid.",
    bad="CREATE TABLE lot_events (event_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    good="CREATE TABLE lot_events (event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    check=check,
    node_types=TABLE_DEFINITIONS,
    alter_kinds=frozenset({AlterTableType.AT_AddColumn}),
)
