"""MA101: CREATE INDEX without CONCURRENTLY on a table that already exists."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules._common import existing_table, relation_at, with_concurrently
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.IndexStmt) or node.concurrent:
        return
    table = existing_table(statement, context)
    if table:
        fix = with_concurrently(statement, context)
        yield RULE.at(context, relation_at(statement), table=table, fix=fix)


RULE = Rule(
    code="MA101",
    name="create-index-not-concurrent",
    severity=Severity.ERROR,
    message=(
        "CREATE INDEX on {table} holds a SHARE lock for the whole build: every INSERT, "
        "UPDATE and DELETE on it waits"
    ),
    why=(
        "Building an index reads the entire table. Without CONCURRENTLY the build keeps writers "
        "out from start to finish, so on a large table the application stalls for minutes "
        "(the lock-the-world lesson)."
    ),
    instead=(
        "CREATE INDEX CONCURRENTLY in a migration marked `-- agent:no-transaction`; it takes "
        "longer but lets writes continue. If it fails it leaves an INVALID index: drop it "
        "(DROP INDEX CONCURRENTLY) and retry."
    ),
    bad="CREATE INDEX idx_lots_material_id ON lots (material_id);",
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
        "CREATE INDEX CONCURRENTLY idx_lots_material_id ON lots (material_id);"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=(ast.IndexStmt,),
)
