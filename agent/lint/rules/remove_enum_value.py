"""MA217: an enum type replaced by a new one that lacks some of its values."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.context import Context
from agent.lint.enum_types import ENUM_STATEMENTS, EnumTypes, enum_name, fold_enum
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import string_values
from agent.lint.rules._common import breaking_acknowledged
from agent.lint.source import Statement

__all__ = ["RULE"]


def _known(context: Context) -> tuple[EnumTypes, EnumTypes]:
    """The enum types as the earlier files and this file's statements so far leave them, and
    the labels each name held last in this file, also once renamed aside or dropped (a type
    swap moves the old type away before the new one takes its name)."""
    enums = dict(context.earlier_files.enums)
    held = dict(enums)
    for statement in context.earlier():
        if isinstance(statement.node, ENUM_STATEMENTS):
            fold_enum(enums, statement.node)
            held.update(enums)
    return enums, held


def _made(node: ast.Node, enums: EnumTypes) -> tuple[str, tuple[str, ...]] | None:
    """(name, labels) when the statement makes a type of that name: created, or another renamed to it."""
    if isinstance(node, ast.CreateEnumStmt):
        return enum_name(node.typeName), tuple(string_values(node.vals))
    if isinstance(node, ast.RenameStmt) and node.renameType == ObjectType.OBJECT_TYPE:
        labels = enums.get(enum_name(node.object))
        return (str(node.newname), labels) if labels is not None else None
    return None


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    renames_type = isinstance(node, ast.RenameStmt) and node.renameType == ObjectType.OBJECT_TYPE
    if breaking_acknowledged(context) or not (renames_type or isinstance(node, ast.CreateEnumStmt)):
        return
    enums, held = _known(context)
    made = _made(node, enums)
    old = held.get(made[0]) if made is not None else None
    if made is None or old is None:
        return
    lost = [label for label in old if label not in made[1]]
    if lost:
        plural = "s" if len(lost) > 1 else ""
        yield RULE.at(context, statement.start, type=made[0], s=plural,
                      values=", ".join(f"'{label}'" for label in lost))


RULE = Rule(
    code="MA217",
    name="remove-enum-value",
    severity=Severity.WARNING,
    message=(
        "{type} loses value{s} {values}: the running release's writes of it fail and its reads "
        "of it stop matching"
    ),
    why=(
        "PostgreSQL cannot drop an enum value, so a migration swaps the type for a new one "
        "without it. Rows that hold the value stop the cast, and once it commits the deployed "
        "code that still sends the value gets an invalid input value error."
    ),
    instead=(
        "Stop writing the value first: deploy code that no longer uses it, move the rows to "
        "another value in batches, then swap the type in a contract migration "
        "(`-- agent:deploy after-app`) with a backup of what the cast would refuse."
    ),
    bad=(
        "CREATE TYPE lot_state AS ENUM ('open', 'hold', 'closed');\n"
        "ALTER TYPE lot_state RENAME TO lot_state_old;\n"
        "CREATE TYPE lot_state AS ENUM ('open', 'closed');\n"
        "ALTER TABLE lots ALTER COLUMN state TYPE lot_state USING state::text::lot_state;\n"
        "DROP TYPE lot_state_old;"
    ),
    good=(
        "-- agent:deploy after-app\n"
        "ALTER TYPE lot_state RENAME TO lot_state_old;\n"
        "CREATE TYPE lot_state AS ENUM ('open', 'closed');\n"
        "ALTER TABLE lots ALTER COLUMN state TYPE lot_state USING state::text::lot_state;\n"
        "DROP TYPE lot_state_old;"
    ),
    check=check,
    node_types=(ast.CreateEnumStmt, ast.RenameStmt),
)
