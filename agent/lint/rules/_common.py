"""Helpers the rule modules share."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pglast import ast, parser
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.effects import type_change_rewrites
from agent.lint.model import Check, Finding, Rule
from agent.lint.nodes import (
    alter_commands,
    column_constraints,
    column_defs,
    location,
    per_statement,
    string_values,
    table_constraints,
    table_name,
    type_name,
)
from agent.lint.source import Statement

__all__ = [
    "TYPED_COLUMN_COMMANDS",
    "breaking_acknowledged",
    "every_row",
    "existing_table",
    "foreign_keys",
    "key_index_builds",
    "relation_at",
    "target_table",
    "type_changes_without_rewrite",
    "type_rule_check",
    "typed_columns",
    "with_concurrently",
]


def target_table(statement: Statement) -> str:
    """The table a statement works on (its `relation`), or ''."""
    return table_name(getattr(statement.node, "relation", None))


def existing_table(statement: Statement, context: Context) -> str:
    """The statement's table when it existed before this file ('' for a new one)."""
    table = target_table(statement)
    return "" if not table or context.created_here(table) else table


def every_row(statement: Statement, context: Context, kind: type[ast.DeleteStmt | ast.UpdateStmt]) -> list[str]:
    """The existing table whose every row a DELETE or UPDATE (of `kind`) without WHERE changes (none or one)."""
    node = statement.node
    if not isinstance(node, kind) or node.whereClause is not None:
        return []
    table = existing_table(statement, context)
    return [table] if table else []


def key_index_builds(statement: Statement, kind: ConstrType) -> Iterator[int]:
    """Where a PRIMARY KEY or UNIQUE of `kind` builds its index inside the statement (not
    `USING INDEX` a prebuilt one): as a table constraint or on a column."""
    for constraint in table_constraints(statement.node):
        if constraint.contype == kind and not constraint.indexname:
            yield location(constraint, statement.start)
    for column in column_defs(statement.node):
        for constraint in column_constraints(column, kind):
            yield location(constraint, statement.start)


def breaking_acknowledged(context: Context) -> bool:
    """A down file undoes its up; `agent:destructive`, and `agent:deploy after-app` (the planner's
    contract files, which run once the application is deployed), say the running code no longer
    needs what goes: none of them breaks a deployed release."""
    return context.down or context.destructive_ok or context.source.has_marker("deploy", "after-app")


def relation_at(statement: Statement) -> int:
    """Where to point: the statement's relation name, else its start."""
    relation = getattr(statement.node, "relation", None)
    if isinstance(relation, ast.Node):
        return location(relation, statement.start)
    return statement.start


def with_concurrently(statement: Statement, context: Context) -> str | None:
    """The statement's own text with CONCURRENTLY after its INDEX keyword (a suggested fix).

    Edits the source instead of deparsing the tree: the user's layout is kept, and it is
    far cheaper. Leading comments are left out; None if no INDEX keyword is found.
    """
    text = context.source.text[statement.start : statement.end]
    tokens = [t for t in parser.scan(text) if t.name != "SQL_COMMENT"]
    keyword = next((t for t in tokens if t.name == "INDEX"), None)
    if keyword is None:
        return None
    at = keyword.end + 1
    return (text[:at] + " CONCURRENTLY" + text[at:])[tokens[0].start :].rstrip()


# The ALTER TABLE subcommands `typed_columns` reads (the type rules' `alter_kinds`)
TYPED_COLUMN_COMMANDS = frozenset({AlterTableType.AT_AddColumn, AlterTableType.AT_AlterColumnType})


def typed_columns(statement: Statement) -> Iterator[tuple[str, ast.TypeName, int]]:
    """(column, type, position) for columns created, added or retyped by the statement."""
    node = statement.node
    for column in column_defs(node):
        if column.typeName is not None:
            yield str(column.colname), column.typeName, location(column, statement.start)
    for command in alter_commands(node, AlterTableType.AT_AlterColumnType):
        retyped = command.def_
        if isinstance(retyped, ast.ColumnDef) and retyped.typeName is not None:
            at = location(retyped.typeName, relation_at(statement))
            yield str(command.name), retyped.typeName, at


@per_statement
def _typed_columns(statement: Statement) -> tuple[tuple[str, ast.TypeName, int], ...]:
    """`typed_columns`, read once per statement for all the type rules."""
    return tuple(typed_columns(statement))


def type_rule_check(rule_of: Callable[[], Rule], matches: Callable[[ast.TypeName], bool]) -> Check:
    """A check that flags every column whose type `matches`."""

    def check(statement: Statement, context: Context) -> Iterator[Finding]:
        for column, type_node, at in _typed_columns(statement):
            if matches(type_node):
                yield rule_of().at(context, at, column=column, type=type_name(type_node))

    return check


def type_changes_without_rewrite(statement: Statement, context: Context) -> Iterator[tuple[str, str]]:
    """(table, column) for each ALTER COLUMN ... TYPE on an existing table that rewrites nothing
    (MA108 covers the rewrites, which rebuild and check everything anyway)."""
    table = existing_table(statement, context)
    if not table:
        return
    for command in alter_commands(statement.node, AlterTableType.AT_AlterColumnType):
        column = command.def_
        if isinstance(column, ast.ColumnDef) and command.name and not type_change_rewrites(
                column, context.earlier_files.type_of(table, command.name)):
            yield table, command.name


def foreign_keys(statement: Statement) -> Iterator[tuple[ast.Constraint, tuple[str, ...]]]:
    """Foreign keys the statement adds, with their referencing columns."""
    node = statement.node
    for constraint in table_constraints(node):
        if constraint.contype == ConstrType.CONSTR_FOREIGN:
            yield constraint, tuple(string_values(constraint.fk_attrs))
    for column in column_defs(node):
        for constraint in column.constraints or ():
            if constraint.contype == ConstrType.CONSTR_FOREIGN:
                yield constraint, (str(column.colname),)
