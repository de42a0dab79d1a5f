"""MA202: DROP TABLE outside an acknowledged contract step."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import string_values
from agent.lint.source import Statement

__all__ = ["RULE", "dropped_tables"]


def dropped_tables(statement: Statement, context: Context) -> list[str]:
    """Existing tables (not created by this file) that the statement drops."""
    node = statement.node
    if not isinstance(node, ast.DropStmt) or node.removeType != ObjectType.OBJECT_TABLE:
        return []
    tables = [string_values(o)[-1] for o in node.objects or () if string_values(o)]
    return [t for t in tables if not context.created_here(t)]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.down or context.destructive_ok:
        return
    for table in dropped_tables(statement, context):
        yield RULE.at(context, statement.start, table=table)


RULE = Rule(
    code="MA202",
    name="drop-table",
    severity=Severity.ERROR,
    message=(
        "dropping table {table} breaks every deployed query on it and deletes its rows for good"
    ),
    why=(
        "Code of the running release still reads and writes the table; once dropped, the data "
        "exists only in backups (the irreversible migration lesson)."
    ),
    instead=(
        "Retire the table from code first, then drop it in a contract migration marked "
        "`-- agent:destructive`, after a backup (CREATE TABLE _backup_<table> AS TABLE <table>)."
    ),
    bad="SET lock_timeout = '2s';\nDROP TABLE lot_events;",
    good=(
        "-- agent:destructive lot_events replaced by lot_history in 2025.11\n"
        "SET lock_timeout = '2s';\n"
        "CREATE TABLE _backup_lot_events AS TABLE lot_events;\n"
        "DROP TABLE lot_events;"
    ),
    check=check,
    node_types=(ast.DropStmt,),
)
