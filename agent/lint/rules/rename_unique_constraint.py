"""MA215: RENAME CONSTRAINT of a unique constraint in an up migration."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name
from agent.lint.rules._common import breaking_acknowledged, relation_at
from agent.lint.source import Statement

__all__ = ["RULE", "names_unique"]


def names_unique(context: Context, table: str, name: str) -> bool:
    """Whether the constraint is UNIQUE: earlier files added it so, or its name says so, as
    PostgreSQL (`_key`) or people name them."""
    lowered = name.lower()
    return ((table, name) in context.earlier_files.unique_constraints
            or lowered.endswith(("_key", "_ukey", "_uk", "_uq")) or "uniq" in lowered)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.RenameStmt) or breaking_acknowledged(context) or node.relation is None:
        return
    table = table_name(node.relation)
    old = node.subname
    if node.renameType == ObjectType.OBJECT_TABCONSTRAINT and old and names_unique(context, table, old):
        yield RULE.at(context, relation_at(statement), table=table, old=node.subname, new=node.newname)


RULE = Rule(
    code="MA215",
    name="rename-unique-constraint",
    severity=Severity.WARNING,
    message=(
        "renaming unique constraint {old} of {table} to {new} breaks running code that names it "
        "(ON CONFLICT ON CONSTRAINT {old}, error handling that matches the name)"
    ),
    why=(
        "Deployed code relies on a unique constraint's name: INSERT ... ON CONFLICT ON CONSTRAINT "
        "fails when the name is gone, and code that turns a unique violation into a clear error "
        "matches the constraint name in the error, which changes at commit."
    ),
    instead=(
        "Keep the name; if it must change, first deploy code that accepts both names (ON CONFLICT "
        "(columns) instead of ON CONSTRAINT), then rename in a later migration."
    ),
    bad="ALTER TABLE lots RENAME CONSTRAINT lots_code_key TO lots_code_unique;",
    good="ALTER TABLE lots RENAME CONSTRAINT lots_qty_check TO lots_qty_positive;",
    check=check,
    node_types=(ast.RenameStmt,),
)
