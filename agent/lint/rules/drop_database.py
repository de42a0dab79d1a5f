"""MA204: DROP DATABASE."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.source import Statement

__all__ = ["RULE", "dropped_databases"]


def dropped_databases(statement: Statement) -> list[str]:
    node = statement.node
    return [str(node.dbname)] if isinstance(node, ast.DropdbStmt) else []


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for database in dropped_databases(statement):
        yield RULE.at(context, statement.start, database=database)


RULE = Rule(
    code="MA204",
    name="drop-database",
    severity=Severity.ERROR,
    message="DROP DATABASE {database} deletes a whole database; no migration should do that",
    why=(
        "A migration runs against a database; removing one is an operator's decision with its "
        "own backups and sign-off, not a step in a schema change."
    ),
    instead="Remove the statement; decommission databases outside migrations.",
    bad="DROP DATABASE wms_archive;",
    good="CREATE SCHEMA IF NOT EXISTS archive;",
    check=check,
    node_types=(ast.DropdbStmt,),
)
