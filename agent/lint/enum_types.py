"""Native enum types as migrations leave them: each type's labels in order.

Folded from CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE / RENAME VALUE / RENAME TO and
DROP TYPE, so that a type swapped for a new one can be compared with what the running release
knows (MA217).
"""

from __future__ import annotations

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.nodes import string_values

__all__ = ["ENUM_STATEMENTS", "EnumTypes", "enum_name", "fold_enum"]

EnumTypes = dict[str, tuple[str, ...]]
"""Type name (its last name part) -> labels in order."""

ENUM_STATEMENTS = (ast.CreateEnumStmt, ast.AlterEnumStmt, ast.RenameStmt, ast.DropStmt)


def enum_name(items: object) -> str:
    """A type's last name part (`public.lot_state` is `lot_state`)."""
    parts = string_values(items)
    return parts[-1] if parts else ""


def _with_value(labels: tuple[str, ...], node: ast.AlterEnumStmt) -> tuple[str, ...]:
    value = str(node.newVal)
    if node.oldVal:
        return tuple(value if label == node.oldVal else label for label in labels)
    if value in labels:  # IF NOT EXISTS found it (without, PostgreSQL stops)
        return labels
    neighbor = node.newValNeighbor
    if not neighbor or neighbor not in labels:
        return (*labels, value)
    at = labels.index(neighbor) + (1 if node.newValIsAfter else 0)
    return (*labels[:at], value, *labels[at:])


def fold_enum(enums: EnumTypes, node: ast.Node) -> None:
    """Apply one statement's change of enum types to `enums`."""
    if isinstance(node, ast.CreateEnumStmt):
        enums[enum_name(node.typeName)] = tuple(string_values(node.vals))
    elif isinstance(node, ast.AlterEnumStmt) and node.newVal:
        name = enum_name(node.typeName)
        if name in enums:
            enums[name] = _with_value(enums[name], node)
    elif isinstance(node, ast.RenameStmt) and node.renameType == ObjectType.OBJECT_TYPE:
        labels = enums.pop(enum_name(node.object), None)
        if labels is not None:
            enums[str(node.newname)] = labels
    elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_TYPE:
        for each in node.objects or ():
            enums.pop(enum_name(getattr(each, "names", each)), None)
