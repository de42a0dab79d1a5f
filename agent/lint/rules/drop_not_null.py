"""MA207: DROP NOT NULL on an existing column."""

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
    if not table or context.down:
        return
    for command in alter_commands(statement.node, AlterTableType.AT_DropNotNull):
        yield RULE.at(context, relation_at(statement), table=table, column=command.name)


RULE = Rule(
    code="MA207",
    name="drop-not-null",
    severity=Severity.WARNING,
    message=(
        "making {table}.{column} nullable lets NULLs reach code of the running release that "
        "assumes a value"
    ),
    why=(
        "Readers, generated types and reports were written against a column that always had "
        "a value; the first NULL breaks them, and restoring NOT NULL later needs a backfill."
    ),
    instead=(
        "Ship code that tolerates NULL first, then relax the constraint; or keep NOT NULL and "
        "give the column a default."
    ),
    bad="ALTER TABLE lots ALTER COLUMN supplier_id DROP NOT NULL;",
    good=(
        "SET lock_timeout = '2s';\nALTER TABLE lots ALTER COLUMN supplier_id SET DEFAULT "
        "'00000000-0000-0000-0000-000000000000';"
    ),
    check=check,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_DropNotNull}),
)
