"""MA117: ALTER COLUMN ... TYPE on a column that CHECK constraints read."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.effects import rechecked_by, type_change_rewrites
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import alter_commands
from agent.lint.rules._common import existing_table, relation_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    node = statement.node
    if not table or not isinstance(node, ast.AlterTableStmt):
        return
    for command in alter_commands(node, AlterTableType.AT_AlterColumnType):
        column = command.def_
        if not isinstance(column, ast.ColumnDef) or not command.name:
            continue
        if type_change_rewrites(column, context.earlier_files.type_of(table, command.name)):
            continue  # MA108: the rewrite is the larger problem
        checks = rechecked_by(node, command.name, context.checks_of(table))
        if checks:
            yield RULE.at(context, relation_at(statement), table=table, column=command.name,
                          checks=", ".join(checks))


RULE = Rule(
    code="MA117",
    name="type-change-rechecks-rows",
    severity=Severity.WARNING,
    message=(
        "changing the type of {table}.{column} checks every row against {checks} again under "
        "ACCESS EXCLUSIVE, even though nothing is rewritten"
    ),
    why=(
        "When a column's type changes, PostgreSQL rebuilds the CHECK constraints that read it and "
        "validates them with a full scan while the table is locked for reads and writes. A "
        "widening such as varchar(20) to varchar(40), which is otherwise instant, then blocks "
        "traffic for as long as the scan takes (every enum stored as varchar plus a check)."
    ),
    instead=(
        "In the same ALTER TABLE, drop the checks, change the type and add them back NOT VALID; "
        "then VALIDATE CONSTRAINT each one in its own statement, which lets reads and writes go on."
    ),
    bad=(
        "ALTER TABLE lots ADD CONSTRAINT lots_status_check CHECK (status IN ('NEW', 'DONE')) NOT VALID;\n"
        "ALTER TABLE lots VALIDATE CONSTRAINT lots_status_check;\n"
        "ALTER TABLE lots ALTER COLUMN status TYPE text;"
    ),
    good=(
        "ALTER TABLE lots\n"
        "    DROP CONSTRAINT lots_status_check,\n"
        "    ALTER COLUMN status TYPE text,\n"
        "    ADD CONSTRAINT lots_status_check CHECK (status IN ('NEW', 'DONE')) NOT VALID;\n"
        "ALTER TABLE lots VALIDATE CONSTRAINT lots_status_check;"
    ),
    check=check,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AlterColumnType}),
)
