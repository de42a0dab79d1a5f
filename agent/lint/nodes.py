"""Small readers over pglast AST nodes, shared by the rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

__all__ = [
    "TABLE_DEFINITIONS",
    "alter_commands",
    "column_constraints",
    "column_defs",
    "func_name",
    "location",
    "names",
    "string_values",
    "table_constraints",
    "table_name",
    "type_name",
    "walk",
]

# Statements that define columns and table constraints (CREATE TABLE, ALTER TABLE)
TABLE_DEFINITIONS: tuple[type, ...] = (ast.CreateStmt, ast.AlterTableStmt)
# Names of the integer and text types as the parser spells them after `pg_catalog.`
INT_TYPES = frozenset({"int2", "int4", "smallint", "integer", "int"})
SERIAL_TYPES = frozenset({"serial", "serial4", "serial2", "smallserial", "bigserial", "serial8"})


def table_name(range_var: ast.RangeVar | None) -> str:
    """The table's own name, lower-case as PostgreSQL folds it (schema ignored)."""
    return range_var.relname if range_var is not None and range_var.relname else ""


def location(node: Any, default: int) -> int:
    """A node's `location` when the parser recorded one, else `default`."""
    value = getattr(node, "location", None)
    return value if isinstance(value, int) and value >= 0 else default


def string_values(items: Any) -> list[str]:
    return [str(item.sval) for item in items or () if isinstance(item, ast.String)]


def names(items: Any) -> str:
    """A dotted name from a list of String nodes."""
    return ".".join(string_values(items))


def type_name(type_node: ast.TypeName | None) -> str:
    """The type's last name part: `int4`, `varchar`, `timestamp`, `serial`..."""
    parts = string_values(type_node.names if type_node is not None else ())
    return parts[-1].lower() if parts else ""


def func_name(call: ast.FuncCall) -> str:
    parts = string_values(call.funcname)
    return parts[-1].lower() if parts else ""


def walk(node: Any) -> Iterator[Any]:
    """Every AST node under (and including) `node`, depth first."""
    if isinstance(node, tuple | list):
        for item in node:
            yield from walk(item)
        return
    if not isinstance(node, ast.Node):
        return
    yield node
    slots: Any = getattr(type(node), "__slots__", ())
    for slot in slots:
        child = getattr(node, slot, None)
        if isinstance(child, ast.Node | tuple | list):
            yield from walk(child)


def column_defs(statement: ast.Node) -> Iterator[ast.ColumnDef]:
    """Columns defined by CREATE TABLE or ALTER TABLE ... ADD COLUMN."""
    if isinstance(statement, ast.CreateStmt):
        yield from (e for e in statement.tableElts or () if isinstance(e, ast.ColumnDef))
    for command in alter_commands(statement, AlterTableType.AT_AddColumn):
        if isinstance(command.def_, ast.ColumnDef):
            yield command.def_


def column_constraints(column: ast.ColumnDef, kind: ConstrType) -> list[ast.Constraint]:
    return [c for c in column.constraints or () if c.contype == kind]


def table_constraints(statement: ast.Node) -> Iterator[ast.Constraint]:
    """Table-level constraints of CREATE TABLE and ALTER TABLE ... ADD CONSTRAINT."""
    if isinstance(statement, ast.CreateStmt):
        yield from (e for e in statement.tableElts or () if isinstance(e, ast.Constraint))
    for command in alter_commands(statement, AlterTableType.AT_AddConstraint):
        if isinstance(command.def_, ast.Constraint):
            yield command.def_


def alter_commands(statement: ast.Node, *kinds: AlterTableType) -> Iterator[ast.AlterTableCmd]:
    """ALTER TABLE subcommands, optionally only those of the given kinds."""
    if not isinstance(statement, ast.AlterTableStmt):
        return
    if statement.objtype not in (ObjectType.OBJECT_TABLE, None):
        return
    for command in statement.cmds or ():
        if isinstance(command, ast.AlterTableCmd) and (not kinds or command.subtype in kinds):
            yield command
