"""MA208: TRUNCATE ... CASCADE."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import DropBehavior

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if isinstance(node, ast.TruncateStmt) and node.behavior == DropBehavior.DROP_CASCADE:
        tables = ", ".join(table_name(r) for r in node.relations or ())
        yield RULE.at(context, statement.start, tables=tables)


RULE = Rule(
    code="MA208",
    name="truncate-cascade",
    severity=Severity.ERROR,
    message=(
        "TRUNCATE {tables} CASCADE also empties every table that references it, "
        "whichever those are at run time"
    ),
    why=(
        "CASCADE follows foreign keys to tables the author may not know about; the statement "
        "names one table and silently wipes many."
    ),
    instead="TRUNCATE exactly the tables you mean, listed explicitly, with RESTRICT (the default).",
    bad="TRUNCATE storage_locations CASCADE;",
    good="TRUNCATE lot_import_staging RESTRICT;",
    check=check,
    node_types=(ast.TruncateStmt,),
)
