"""MA214: ALTER VIEW (or MATERIALIZED VIEW) ... RENAME TO in an up migration."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name
from agent.lint.rules._common import breaking_acknowledged, relation_at
from agent.lint.rules.drop_view import VIEW_KINDS
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.RenameStmt) or breaking_acknowledged(context):
        return
    kind = VIEW_KINDS.get(ObjectType(node.renameType or 0))
    if kind and node.relation is not None:
        yield RULE.at(context, relation_at(statement), kind=kind, view=table_name(node.relation), new=node.newname)


RULE = Rule(
    code="MA214",
    name="rename-view",
    severity=Severity.WARNING,
    message="renaming {kind} {view} to {new} breaks every deployed query that uses the old name",
    why=(
        "The running release and other readers keep querying the old name until they are "
        "replaced; from the commit on each of those queries fails."
    ),
    instead=(
        "Create the view under the new name beside the old one, move the readers over, then "
        "drop the old view in a later migration."
    ),
    bad="ALTER VIEW lot_totals RENAME TO lot_sums;",
    good="CREATE VIEW lot_sums AS SELECT * FROM lot_totals;",
    check=check,
    node_types=(ast.RenameStmt,),
)
