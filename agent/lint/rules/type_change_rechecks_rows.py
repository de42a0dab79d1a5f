"""MA117: ALTER COLUMN ... TYPE on a column that CHECK constraints read."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.effects import rechecked_by
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules._common import relation_at, type_changes_without_rewrite
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for table, column in type_changes_without_rewrite(statement, context):
        checks = rechecked_by(statement.node, column, context.dependents_of(table))
        if checks:
            yield RULE.at(context, relation_at(statement), table=table, column=column, checks=", ".join(checks))


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
    lowered_on_small_tables=True,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AlterColumnType}),
)
