"""MA110: a NOT NULL column without a default added to an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import SERIAL_TYPES, column_defs, location, type_name
from agent.lint.rules._common import existing_table
from agent.lint.source import Statement

__all__ = ["RULE"]

_FILLED = {ConstrType.CONSTR_DEFAULT, ConstrType.CONSTR_IDENTITY, ConstrType.CONSTR_GENERATED}


def _required_without_value(column: ast.ColumnDef) -> bool:
    kinds = {c.contype for c in column.constraints or ()}
    not_null = ConstrType.CONSTR_NOTNULL in kinds or ConstrType.CONSTR_PRIMARY in kinds
    serial = type_name(column.typeName) in SERIAL_TYPES
    return not_null and not (kinds & _FILLED) and not serial


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table or not isinstance(statement.node, ast.AlterTableStmt):
        return
    for column in column_defs(statement.node):
        if _required_without_value(column):
            at = location(column, statement.start)
            yield RULE.at(context, at, table=table, column=column.colname)


RULE = Rule(
    code="MA110",
    name="add-required-column",
    severity=Severity.ERROR,
    message=(
        "adding NOT NULL column {column} without a default fails as soon as {table} holds a "
        "row, and breaks every INSERT that does not name it"
    ),
    why=(
        "Existing rows have no value for the new column, so the ALTER fails on a non-empty "
        "table; and application code that inserts without the column starts failing."
    ),
    instead=(
        "Add the column nullable (or with a constant default), backfill in batches, then make "
        "it NOT NULL through a validated CHECK (see MA107)."
    ),
    bad="ALTER TABLE lots ADD COLUMN supplier_id uuid NOT NULL;",
    good="SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN supplier_id uuid;",
    check=check,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AddColumn}),
)
