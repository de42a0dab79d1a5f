"""MA216: DROP CONSTRAINT of a unique constraint in an up migration."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import alter_commands, table_name
from agent.lint.rules._common import breaking_acknowledged, relation_at
from agent.lint.rules.rename_unique_constraint import names_unique
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.AlterTableStmt) or breaking_acknowledged(context):
        return
    table = table_name(node.relation)
    for command in alter_commands(node, AlterTableType.AT_DropConstraint):
        if command.name and names_unique(context, table, command.name):
            yield RULE.at(context, relation_at(statement), table=table, name=command.name)


RULE = Rule(
    code="MA216",
    name="drop-unique-constraint",
    severity=Severity.WARNING,
    message=(
        "dropping unique constraint {name} of {table} breaks running code that relies on it "
        "(ON CONFLICT, lookups that expect one row) and lets duplicates in"
    ),
    why=(
        "The running release may upsert with ON CONFLICT on these columns or that constraint, "
        "which fails without a unique index, and may assume a lookup returns at most one row; "
        "from the commit on, duplicates can also be written and are hard to remove later."
    ),
    instead=(
        "Deploy code that no longer relies on the uniqueness first, then drop the constraint in "
        "a later migration; to change its columns, add the new unique index CONCURRENTLY and "
        "attach it before dropping the old one."
    ),
    bad="ALTER TABLE lots DROP CONSTRAINT lots_code_key;",
    good="ALTER TABLE lots DROP CONSTRAINT lots_qty_check;",
    check=check,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_DropConstraint}),
)
