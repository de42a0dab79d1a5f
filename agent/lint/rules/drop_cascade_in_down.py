"""MA607: DROP ... CASCADE in a down migration."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import DropBehavior

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import alter_commands
from agent.lint.source import Statement

__all__ = ["RULE", "cascades"]


def cascades(node: ast.Node) -> bool:
    """Whether the statement drops with CASCADE: whatever depends on the object goes too."""
    if isinstance(node, ast.DropStmt):
        return node.behavior == DropBehavior.DROP_CASCADE
    return any(c.behavior == DropBehavior.DROP_CASCADE for c in alter_commands(node))


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.down and cascades(statement.node):
        yield RULE.at(context, statement.start)


RULE = Rule(
    code="MA607",
    name="drop-cascade-in-down",
    severity=Severity.ERROR,
    message=(
        "CASCADE in a down migration also drops objects that later migrations built on this "
        "one (their foreign keys, views, policies), without saying so"
    ),
    why=(
        "A down migration should undo exactly what its up did. CASCADE silently removes "
        "whatever else depends on the object today, so the rollback destroys more than the "
        "migration created; it must fail loudly instead."
    ),
    instead=(
        "DROP ... RESTRICT (the default), after dropping the migration's own dependents "
        "explicitly."
    ),
    bad="-- agent:direction down\nDROP TABLE IF EXISTS storage_locations CASCADE;",
    good="-- agent:direction down\nDROP TABLE IF EXISTS storage_locations RESTRICT;",
    check=check,
    node_types=(ast.DropStmt, ast.AlterTableStmt),
)
