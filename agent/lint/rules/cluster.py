"""MA114: CLUSTER."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name
from agent.lint.rules._common import relation_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if isinstance(node, ast.ClusterStmt):
        target = table_name(node.relation) or "every clustered table"
        yield RULE.at(context, relation_at(statement), target=target)


RULE = Rule(
    code="MA114",
    name="cluster",
    severity=Severity.ERROR,
    message=(
        "CLUSTER rewrites {target} in index order under ACCESS EXCLUSIVE, blocking reads and "
        "writes"
    ),
    why=(
        "CLUSTER builds a sorted copy of the table and its indexes while the table is fully "
        "locked, for as long as the copy takes."
    ),
    instead=(
        "Leave physical ordering to maintenance windows or an online tool such as pg_repack; "
        "a BRIN or covering index often gives the locality without reordering."
    ),
    bad="CLUSTER lots USING idx_lots_material_id;",
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY "
        "idx_lots_created_brin ON lots USING brin (created_at);"
    ),
    check=check,
    node_types=(ast.ClusterStmt,),
)
