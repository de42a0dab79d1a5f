"""MA108: ALTER COLUMN ... TYPE on an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType
from pglast.stream import RawStream

from agent.lint.context import Context
from agent.lint.effects import type_change_rewrites
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import alter_commands
from agent.lint.rules._common import existing_table, relation_at
from agent.lint.source import Statement

__all__ = ["RULE", "rewriting_type_changes"]


def rewriting_type_changes(statement: Statement, context: Context, table: str) -> Iterator[tuple[str, str]]:
    """(column, new type as PostgreSQL reads it: `"Role"[]`, `numeric(12, 3)`) for each type change of the
    statement that rewrites the table."""
    for command in alter_commands(statement.node, AlterTableType.AT_AlterColumnType):
        column = command.def_
        old = context.earlier_files.type_of(table, command.name) if command.name else None
        if isinstance(column, ast.ColumnDef) and column.typeName is not None and command.name and \
                type_change_rewrites(column, old):
            yield command.name, RawStream()(column.typeName)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table:
        return
    for column, new_type in rewriting_type_changes(statement, context, table):
        yield RULE.at(context, relation_at(statement), table=table, column=column, type=new_type)


RULE = Rule(
    code="MA108",
    name="column-type-change",
    severity=Severity.ERROR,
    message=(
        "changing {table}.{column} to {type} can rewrite the table and all its indexes under "
        "ACCESS EXCLUSIVE, blocking reads and writes"
    ),
    why=(
        "Unless the old and new types are binary-compatible (varchar to text, a longer "
        "varchar), PostgreSQL rewrites every row and rebuilds every index while the table is "
        "fully locked."
    ),
    instead=(
        "Expand and contract: add a new column of the new type, keep it filled by a trigger, "
        "backfill in batches by primary-key range, switch readers, then drop the old column."
    ),
    bad="ALTER TABLE lots ALTER COLUMN quantity TYPE numeric(12, 3);",
    good=(
        "SET lock_timeout = '2s';\n"
        "ALTER TABLE lots ALTER COLUMN lot_code TYPE text;"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AlterColumnType}),
)
