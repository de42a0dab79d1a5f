"""MA103: REINDEX without CONCURRENTLY."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name
from agent.lint.rules._common import relation_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def _concurrent(node: ast.ReindexStmt) -> bool:
    params = node.params or ()
    return any(isinstance(p, ast.DefElem) and p.defname == "concurrently" for p in params)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if isinstance(node, ast.ReindexStmt) and not _concurrent(node):
        target = table_name(node.relation) or node.name or "the database"
        yield RULE.at(context, relation_at(statement), target=target)


RULE = Rule(
    code="MA103",
    name="reindex-not-concurrent",
    severity=Severity.ERROR,
    message="REINDEX of {target} blocks writes to the table while every index is rebuilt",
    why=(
        "A plain REINDEX locks out writers for the whole rebuild, and reads that would use the "
        "index being rebuilt wait too."
    ),
    instead="REINDEX (CONCURRENTLY) ... in a migration marked `-- agent:no-transaction`.",
    bad="REINDEX TABLE lots;",
    good="-- agent:no-transaction\nSET lock_timeout = '2s';\nREINDEX (CONCURRENTLY) TABLE lots;",
    check=check,
    node_types=(ast.ReindexStmt,),
)
