"""MA203: DROP SCHEMA."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.source import Statement

__all__ = ["RULE", "dropped_schemas"]


def dropped_schemas(statement: Statement) -> list[str]:
    node = statement.node
    if not isinstance(node, ast.DropStmt) or node.removeType != ObjectType.OBJECT_SCHEMA:
        return []
    return [getattr(schema, "sval", "") for schema in node.objects or ()]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for name in dropped_schemas(statement):
        yield RULE.at(context, statement.start, schema=name)


RULE = Rule(
    code="MA203",
    name="drop-schema",
    severity=Severity.ERROR,
    message="dropping schema {schema} removes everything in it that the application relies on",
    why=(
        "A schema holds tables, functions and types at once; dropping it is the widest "
        "data loss a migration can cause and cannot be undone by a down migration."
    ),
    instead=(
        "Drop the objects one by one in contract migrations, each with its backup; drop an "
        "empty schema last, with RESTRICT."
    ),
    bad="DROP SCHEMA reporting CASCADE;",
    good="CREATE SCHEMA IF NOT EXISTS reporting;",
    check=check,
    node_types=(ast.DropStmt,),
)
