"""MA116: REFRESH MATERIALIZED VIEW without CONCURRENTLY."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules._common import existing_table, relation_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.RefreshMatViewStmt) or node.concurrent or node.skipData:
        return
    view = existing_table(statement, context)
    if view:
        yield RULE.at(context, relation_at(statement), view=view)


RULE = Rule(
    code="MA116",
    name="refresh-matview-not-concurrent",
    severity=Severity.WARNING,
    message="REFRESH MATERIALIZED VIEW {view} locks it against reads until the query finishes",
    why=(
        "A plain refresh takes ACCESS EXCLUSIVE on the view for the whole recomputation, so "
        "every reader waits."
    ),
    instead=(
        "Give the view a unique index and use REFRESH MATERIALIZED VIEW CONCURRENTLY, which "
        "lets reads continue."
    ),
    bad="REFRESH MATERIALIZED VIEW lot_totals;",
    good="REFRESH MATERIALIZED VIEW CONCURRENTLY lot_totals;",
    check=check,
    node_types=(ast.RefreshMatViewStmt,),
)
