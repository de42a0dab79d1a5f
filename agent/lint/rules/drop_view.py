"""MA213: DROP VIEW (or MATERIALIZED VIEW) in an up migration."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import string_values
from agent.lint.rules._common import breaking_acknowledged
from agent.lint.source import Statement

__all__ = ["RULE", "VIEW_KINDS"]

VIEW_KINDS = {ObjectType.OBJECT_VIEW: "view", ObjectType.OBJECT_MATVIEW: "materialized view"}


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.DropStmt) or breaking_acknowledged(context):
        return
    kind = VIEW_KINDS.get(ObjectType(node.removeType or 0))
    if kind:
        views = ", ".join(".".join(string_values(o)) for o in node.objects or ())
        yield RULE.at(context, statement.start, kind=kind, views=views)


RULE = Rule(
    code="MA213",
    name="drop-view",
    severity=Severity.WARNING,
    message="dropping {kind} {views} breaks every deployed query and report that reads it",
    why=(
        "A view is part of the schema's interface: the running release, reports and other "
        "services query it by name, and from the commit on each of those queries fails until "
        "they are all changed."
    ),
    instead=(
        "Stop every reader first (a release that no longer uses the view), then drop it in a "
        "later migration; to change what it returns, CREATE OR REPLACE VIEW keeps the name."
    ),
    bad="DROP VIEW lot_totals;",
    good="CREATE OR REPLACE VIEW lot_totals AS SELECT lot_id, sum(quantity) AS total FROM moves GROUP BY lot_id;",
    check=check,
    node_types=(ast.DropStmt,),
)
