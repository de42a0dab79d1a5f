"""MA111: a serial or identity column added to an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import SERIAL_TYPES, column_constraints, column_defs, location, type_name
from agent.lint.rules._common import existing_table
from agent.lint.source import Statement

__all__ = ["RULE"]


def _numbered(column: ast.ColumnDef) -> bool:
    identity = column_constraints(column, ConstrType.CONSTR_IDENTITY)
    return bool(identity) or type_name(column.typeName) in SERIAL_TYPES


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table or not isinstance(statement.node, ast.AlterTableStmt):
        return
    for column in column_defs(statement.node):
        if _numbered(column):
            yield RULE.at(context, location(column, statement.start), table=table,
                          column=column.colname)


RULE = Rule(
    code="MA111",
    name="add-serial-column",
    severity=Severity.ERROR,
    message=(
        "adding serial/identity column {column} numbers every existing row, rewriting {table} "
        "under ACCESS EXCLUSIVE"
    ),
    why=(
        "A sequence default is volatile: each existing row needs its own value, so the table "
        "is rewritten while reads and writes wait."
    ),
    instead=(
        "Add a plain bigint column, attach a sequence default for new rows, backfill old rows "
        "in batches, then add NOT NULL and the key without blocking (MA107, MA106)."
    ),
    bad="ALTER TABLE lot_events ADD COLUMN event_no bigserial;",
    good=(
        "SET lock_timeout = '2s';\n"
        "ALTER TABLE lot_events ADD COLUMN event_no bigint;"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AddColumn}),
)
