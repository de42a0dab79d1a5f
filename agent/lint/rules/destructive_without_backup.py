"""MA608: a statement that destroys data with no backup taken earlier in the file."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name
from agent.lint.rules.drop_column import dropped_columns
from agent.lint.rules.drop_table import dropped_tables
from agent.lint.source import Statement

__all__ = ["RULE", "truncated_tables"]


def truncated_tables(statement: Statement, context: Context) -> list[str]:
    """Existing tables (not created by this file) that the statement empties."""
    node = statement.node
    if not isinstance(node, ast.TruncateStmt):
        return []
    return [t for t in (table_name(r) for r in node.relations or ()) if not context.created_here(t)]


def _destroyed(statement: Statement, context: Context) -> list[tuple[str, str]]:
    """(table, what) pairs of existing data the statement destroys."""
    if isinstance(statement.node, ast.TruncateStmt):
        return [(t, "TRUNCATE") for t in truncated_tables(statement, context)]
    columns = dropped_columns(statement, context)
    if columns:
        return [(columns[0][0], "DROP COLUMN")]
    return [(t, "DROP TABLE") for t in dropped_tables(statement, context)]


BACKUP_PREFIX = "_backup_"


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.down:  # it drops what its own up added: rolling back is the user's choice
        return
    for table, what in _destroyed(statement, context):
        if table not in context.backups and not table.startswith(BACKUP_PREFIX):
            yield RULE.at(context, statement.start, table=table, what=what)


RULE = Rule(
    code="MA608",
    name="destructive-without-backup",
    severity=Severity.ERROR,
    message=(
        "{what} destroys data of {table} and nothing earlier in this file copies it to a "
        "_backup_ table"
    ),
    why=(
        "Dropped or truncated data is gone; a down migration can recreate the column or table "
        "but not its contents (the irreversible migration lesson). The _backup_ tables "
        "themselves are exempt: a restore drops its backup once the rows are back. A down "
        "file is exempt too: it drops what its own up added, and rolling back is the choice "
        "of whoever runs it."
    ),
    instead=(
        "Copy first, in the same migration: CREATE TABLE _backup_<table>_<yyyymmdd> AS "
        "SELECT <key>, <column> FROM <table>; (or INSERT INTO an existing _backup_ table), "
        "then ALTER TABLE _backup_<table>_<yyyymmdd> ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL "
        "SECURITY; with no policy, so that the application role reads none of its tenants' rows."
    ),
    bad=(
        "-- agent:destructive lot_number unused since release 2025.12\n"
        "SET lock_timeout = '2s';\nALTER TABLE lots DROP COLUMN lot_number;"
    ),
    good=(
        "-- agent:destructive lot_number unused since release 2025.12\n"
        "SET lock_timeout = '2s';\n"
        "CREATE TABLE _backup_lots_lot_number AS SELECT lot_id, lot_number FROM lots;\n"
        "ALTER TABLE lots DROP COLUMN lot_number;"
    ),
    check=check,
    node_types=(ast.TruncateStmt, ast.AlterTableStmt, ast.DropStmt),
    alter_kinds=frozenset({AlterTableType.AT_DropColumn}),
)
