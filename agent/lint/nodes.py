"""Small readers over pglast AST nodes, shared by the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Any, TypeVar

from pglast import ast, enums
from pglast.enums import AlterTableType, ConstrType, ObjectType

__all__ = [
    "TABLE_DEFINITIONS",
    "ColumnType",
    "alter_commands",
    "column_constraints",
    "column_defs",
    "column_type",
    "command_kinds",
    "func_name",
    "location",
    "names",
    "per_statement",
    "referenced_columns",
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
    for part in reversed(type_node.names or () if type_node is not None else ()):
        if isinstance(part, ast.String):
            return str(part.sval).lower()
    return ""


ColumnType = tuple[str, tuple[int, ...]]
"""A type's last name part and its modifiers: ("varchar", (80,)), ("numeric", (12, 2))."""


def column_type(type_node: ast.TypeName | None) -> ColumnType:
    """The type's name and integer modifiers: ("varchar", (80,)), ("numeric", (12, 2))."""
    modifiers = type_node.typmods if type_node is not None else None
    values = tuple(int(v) for m in modifiers or () if isinstance(m, ast.A_Const)
                   and isinstance(v := getattr(m.val, "ival", None), int))
    return type_name(type_node), values


def func_name(call: ast.FuncCall) -> str:
    parts = string_values(call.funcname)
    return parts[-1].lower() if parts else ""


_SCALARS = frozenset({"bool", "char", "char*", "ParseLoc", "int", "int16", "int32", "long"})
_BRANCHES: dict[type, tuple[str, ...]] = {}


def _branches(cls: type) -> tuple[str, ...]:
    """The slots of a node class that can hold nodes (not strings, numbers, flags, enums)."""
    found = _BRANCHES.get(cls)
    if found is None:
        slots: Any = getattr(cls, "__slots__", ())
        found = _BRANCHES[cls] = tuple(
            name for name in slots
            if not (isinstance(slots, dict) and _scalar(slots[name].c_type))
        )
    return found


def _scalar(c_type: str) -> bool:
    return c_type in _SCALARS or hasattr(enums, c_type)


_CHILDREN: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _children_getter(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """What a node of this class holds in its node-holding slots, read in one call."""
    found = _CHILDREN.get(cls)
    if found is None:
        slots = _branches(cls)
        if len(slots) > 1:
            found = attrgetter(*slots)
        elif slots:
            one = attrgetter(slots[0])
            found = lambda node: (one(node),)  # noqa: E731
        else:
            found = lambda node: ()  # noqa: E731
        _CHILDREN[cls] = found
    return found


def walk(node: Any) -> Iterator[Any]:
    """Every AST node under (and including) `node`, depth first, parents before children."""
    stack = [node]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        if isinstance(item, tuple | list):
            push(reversed(item))
        elif isinstance(item, ast.Node):
            yield item
            try:
                children = _children_getter(type(item))(item)
            except AttributeError:  # a node built by hand may leave slots unset
                children = tuple([getattr(item, slot, None) for slot in _branches(type(item))])
            push(reversed(children))


def referenced_columns(expression: Any) -> frozenset[str]:
    """The columns an expression names (their last name part)."""
    found = set()
    for node in walk(expression):
        if isinstance(node, ast.ColumnRef) and node.fields and isinstance(node.fields[-1], ast.String):
            found.add(str(node.fields[-1].sval))
    return frozenset(found)


_T = TypeVar("_T")


def per_statement(compute: Callable[[Any], tuple[_T, ...]]) -> Callable[[Any], tuple[_T, ...]]:
    """Remember the answer for the last node asked about.

    The engine hands one statement to many rules in a row, and several of them ask for its
    columns, constraints or ALTER commands: computed once per statement, not per rule.
    """
    memo: tuple[object, tuple[_T, ...]] = (None, ())

    def cached(node: Any) -> tuple[_T, ...]:
        nonlocal memo
        last = memo
        if last[0] is node:
            return last[1]
        value = compute(node)
        memo = (node, value)
        return value

    return cached


@per_statement
def _all_commands(statement: ast.Node) -> tuple[ast.AlterTableCmd, ...]:
    if not isinstance(statement, ast.AlterTableStmt):
        return ()
    if statement.objtype not in (ObjectType.OBJECT_TABLE, None):
        return ()
    return tuple(c for c in statement.cmds or () if isinstance(c, ast.AlterTableCmd))


@per_statement
def _column_defs(statement: ast.Node) -> tuple[ast.ColumnDef, ...]:
    found: list[ast.ColumnDef] = []
    if isinstance(statement, ast.CreateStmt):
        found += (e for e in statement.tableElts or () if isinstance(e, ast.ColumnDef))
    for command in _all_commands(statement):
        if command.subtype == AlterTableType.AT_AddColumn and isinstance(command.def_, ast.ColumnDef):
            found.append(command.def_)
    return tuple(found)


@per_statement
def _table_constraints(statement: ast.Node) -> tuple[ast.Constraint, ...]:
    found: list[ast.Constraint] = []
    if isinstance(statement, ast.CreateStmt):
        found += (e for e in statement.tableElts or () if isinstance(e, ast.Constraint))
    for command in _all_commands(statement):
        added = command.subtype == AlterTableType.AT_AddConstraint
        if added and isinstance(command.def_, ast.Constraint):
            found.append(command.def_)
    return tuple(found)


def column_defs(statement: ast.Node) -> Iterator[ast.ColumnDef]:
    """Columns defined by CREATE TABLE or ALTER TABLE ... ADD COLUMN."""
    return iter(_column_defs(statement))


def column_constraints(column: ast.ColumnDef, kind: ConstrType) -> list[ast.Constraint]:
    return [c for c in column.constraints or () if c.contype == kind]


def table_constraints(statement: ast.Node) -> Iterator[ast.Constraint]:
    """Table-level constraints of CREATE TABLE and ALTER TABLE ... ADD CONSTRAINT."""
    return iter(_table_constraints(statement))


def command_kinds(statement: ast.AlterTableStmt) -> frozenset[int]:
    """The kinds of all of an ALTER statement's subcommands, whatever it alters (a superset
    of those `alter_commands` gives)."""
    commands = [c for c in statement.cmds or () if isinstance(c, ast.AlterTableCmd)]
    return frozenset([c.subtype for c in commands if c.subtype is not None])


def alter_commands(statement: ast.Node, *kinds: AlterTableType) -> Iterator[ast.AlterTableCmd]:
    """ALTER TABLE subcommands, optionally only those of the given kinds."""
    commands = _all_commands(statement)
    if not kinds:
        return iter(commands)
    return (c for c in commands if c.subtype in kinds)
