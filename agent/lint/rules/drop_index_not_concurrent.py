"""MA102: DROP INDEX without CONCURRENTLY."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import string_values
from agent.lint.rules._common import with_concurrently
from agent.lint.source import Statement

__all__ = ["RULE"]


def _made_here(index: str, context: Context) -> bool:
    table = context.facts.index_tables.get(index)
    return table is not None and context.created_here(table)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.DropStmt) or node.removeType != ObjectType.OBJECT_INDEX:
        return
    if node.concurrent:
        return
    indexes = [string_values(o)[-1] for o in node.objects or () if string_values(o)]
    if all(_made_here(i, context) for i in indexes):
        return
    fix = with_concurrently(statement, context) if len(indexes) == 1 else None
    yield RULE.at(context, statement.start, index=", ".join(indexes), fix=fix)


RULE = Rule(
    code="MA102",
    name="drop-index-not-concurrent",
    severity=Severity.WARNING,
    message=(
        "DROP INDEX {index} takes ACCESS EXCLUSIVE on its table: reads and writes queue "
        "behind it, and behind any long query it waits for"
    ),
    why=(
        "Dropping an index is quick once it holds the lock, but the lock request itself "
        "queues behind running queries and everything after it queues behind the request."
    ),
    instead="DROP INDEX CONCURRENTLY in a migration marked `-- agent:no-transaction`.",
    bad="DROP INDEX idx_lots_material_id;",
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
        "DROP INDEX CONCURRENTLY IF EXISTS idx_lots_material_id;"
    ),
    check=check,
    node_types=(ast.DropStmt,),
)
