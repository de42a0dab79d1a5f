"""MA607: DROP ... CASCADE in a down migration."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, DropBehavior, ObjectType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.source import Statement

__all__ = ["CASCADING_STATEMENTS", "RULE", "cascade_takes", "cascades"]

CASCADING_STATEMENTS = (ast.DropStmt, ast.AlterTableStmt, ast.AlterDomainStmt, ast.DropOwnedStmt)

_ANY = "every object that depends on it"
# What PostgreSQL drops along with an object of each kind when CASCADE is given.
_TAKES = {
    ObjectType.OBJECT_TABLE: "other tables' foreign keys to it, views and materialized views that read it, "
                             "and functions' and policies' dependencies on its row type",
    ObjectType.OBJECT_VIEW: "the views and materialized views built on it",
    ObjectType.OBJECT_MATVIEW: "the views and materialized views built on it",
    ObjectType.OBJECT_COLUMN: "the indexes, constraints (foreign keys of other tables too), views and "
                              "policies that use the column",
    ObjectType.OBJECT_TABCONSTRAINT: "other tables' foreign keys that rely on its unique index",
    ObjectType.OBJECT_INDEX: "other tables' foreign keys that rely on it",
    ObjectType.OBJECT_TYPE: "every column of that type with its data, and the functions that use it",
    ObjectType.OBJECT_DOMAIN: "every column of that domain with its data, and the functions that use it",
    ObjectType.OBJECT_FUNCTION: "the triggers, defaults, checks, indexes and policies that call it",
    ObjectType.OBJECT_SEQUENCE: "the column defaults that draw from it",
    ObjectType.OBJECT_SCHEMA: "every object in the schema, and whatever elsewhere depends on them",
    ObjectType.OBJECT_EXTENSION: "the columns, indexes and functions that use the extension's types "
                                 "and functions",
}
_COMMAND_KINDS = {
    AlterTableType.AT_DropColumn: ObjectType.OBJECT_COLUMN,
    AlterTableType.AT_DropConstraint: ObjectType.OBJECT_TABCONSTRAINT,
}


def cascades(node: ast.Node) -> bool:
    """Whether the statement drops with CASCADE: whatever depends on the object goes too."""
    if isinstance(node, (ast.DropStmt, ast.DropOwnedStmt, ast.AlterDomainStmt)):
        return node.behavior == DropBehavior.DROP_CASCADE
    return bool(_cascading_commands(node))


def _cascading_commands(node: ast.Node) -> list[ast.AlterTableCmd]:
    """Of any ALTER TABLE-shaped statement (ALTER TYPE ... DROP ATTRIBUTE too)."""
    commands = node.cmds or () if isinstance(node, ast.AlterTableStmt) else ()
    return [c for c in commands if isinstance(c, ast.AlterTableCmd) and c.behavior == DropBehavior.DROP_CASCADE]


def _cascading_kind(node: ast.Node) -> ObjectType | None:
    if isinstance(node, ast.DropStmt):
        return ObjectType(node.removeType or 0)
    if isinstance(node, ast.AlterDomainStmt):
        return ObjectType.OBJECT_DOMCONSTRAINT
    commands = _cascading_commands(node)
    if not commands or not isinstance(node, ast.AlterTableStmt) or node.objtype != ObjectType.OBJECT_TABLE:
        return None
    return _COMMAND_KINDS.get(AlterTableType(commands[0].subtype or 0))


def cascade_takes(node: ast.Node) -> str:
    """What CASCADE may take with the object this statement drops."""
    if isinstance(node, ast.DropOwnedStmt):
        return "every object of other roles that depends on the objects the roles own"
    kind = _cascading_kind(node)
    return _TAKES.get(kind, _ANY) if kind is not None else _ANY


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.down and cascades(statement.node):
        yield RULE.at(context, statement.start, takes=cascade_takes(statement.node))


RULE = Rule(
    code="MA607",
    name="drop-cascade-in-down",
    severity=Severity.ERROR,
    message=(
        "CASCADE in a down migration also drops objects that later migrations built on this "
        "one, without saying so: {takes}"
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
    node_types=CASCADING_STATEMENTS,
)
