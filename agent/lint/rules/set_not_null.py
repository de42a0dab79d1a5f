"""MA107: SET NOT NULL on an existing table without a validated CHECK to prove it."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import alter_commands
from agent.lint.rules._common import existing_table, relation_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table:
        return
    for command in alter_commands(statement.node, AlterTableType.AT_SetNotNull):
        if (table, command.name) not in context.validated_not_null:
            yield RULE.at(context, relation_at(statement), table=table, column=command.name)


RULE = Rule(
    code="MA107",
    name="set-not-null-scan",
    severity=Severity.ERROR,
    message=(
        "SET NOT NULL on {table}.{column} scans the whole table under ACCESS EXCLUSIVE, "
        "blocking reads and writes until it finishes"
    ),
    why=(
        "PostgreSQL must prove no row is NULL. Unless a validated CHECK (column IS NOT NULL) "
        "already proves it, it reads every row while holding the strongest lock."
    ),
    instead=(
        "ADD CONSTRAINT c CHECK (column IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (a "
        "non-blocking scan); then SET NOT NULL, which uses the constraint and skips the scan; "
        "then DROP CONSTRAINT c."
    ),
    bad="ALTER TABLE lots ALTER COLUMN supplier_id SET NOT NULL;",
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD CONSTRAINT lots_supplier_id_not_null "
        "CHECK (supplier_id IS NOT NULL) NOT VALID;\n"
        "ALTER TABLE lots VALIDATE CONSTRAINT lots_supplier_id_not_null;\n"
        "ALTER TABLE lots ALTER COLUMN supplier_id SET NOT NULL;\n"
        "ALTER TABLE lots DROP CONSTRAINT lots_supplier_id_not_null;"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_SetNotNull}),
)
