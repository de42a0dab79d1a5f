"""MA301: a CONCURRENTLY operation inside a transaction block."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import alter_commands
from agent.lint.source import Statement

__all__ = ["RULE", "is_concurrent"]


def is_concurrent(node: ast.Node) -> bool:
    """CREATE/DROP INDEX, REINDEX or DETACH PARTITION ... CONCURRENTLY."""
    if isinstance(node, ast.IndexStmt | ast.DropStmt):
        return bool(node.concurrent)
    if isinstance(node, ast.ReindexStmt):
        return any(getattr(p, "defname", "") == "concurrently" for p in node.params or ())
    detach = alter_commands(node, AlterTableType.AT_DetachPartition)
    return any(getattr(c.def_, "concurrent", False) for c in detach)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.in_transaction and is_concurrent(statement.node):
        how = "inside BEGIN ... COMMIT" if context.depth else "in a file run as one transaction"
        yield RULE.at(context, statement.start, how=how)


RULE = Rule(
    code="MA301",
    name="concurrently-in-transaction",
    severity=Severity.ERROR,
    message="a CONCURRENTLY operation {how} fails: PostgreSQL refuses to run it in a transaction",
    why=(
        "Concurrent index operations wait for other transactions between phases, which they "
        "cannot do inside a transaction block, so the migration aborts at this statement."
    ),
    instead=(
        "Put it in its own migration that starts with `-- agent:no-transaction` and has no "
        "BEGIN/COMMIT."
    ),
    bad="BEGIN;\nCREATE INDEX CONCURRENTLY idx_lots_material_id ON lots (material_id);\nCOMMIT;",
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
        "CREATE INDEX CONCURRENTLY idx_lots_material_id ON lots (material_id);"
    ),
    check=check,
    node_types=(ast.IndexStmt, ast.DropStmt, ast.ReindexStmt, ast.AlterTableStmt),
    alter_kinds=frozenset({AlterTableType.AT_DetachPartition}),
)
