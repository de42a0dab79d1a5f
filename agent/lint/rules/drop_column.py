"""MA201: DROP COLUMN outside an acknowledged contract step."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import alter_commands
from agent.lint.rules._common import existing_table, relation_at
from agent.lint.source import Statement

__all__ = ["RULE", "dropped_columns"]


def dropped_columns(statement: Statement, context: Context) -> list[tuple[str, str]]:
    """(table, column) for each column of an existing table the statement drops."""
    table = existing_table(statement, context)
    if not table:
        return []
    return [(table, str(c.name)) for c in alter_commands(statement.node, AlterTableType.AT_DropColumn)]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.down or context.destructive_ok:
        return
    for table, column in dropped_columns(statement, context):
        yield RULE.at(context, relation_at(statement), table=table, column=column)


RULE = Rule(
    code="MA201",
    name="drop-column",
    severity=Severity.ERROR,
    message=(
        "dropping {table}.{column} breaks every deployed query that still names it, and its "
        "data cannot be recovered"
    ),
    why=(
        "Application servers running the previous release keep selecting and inserting the "
        "column until they are replaced; the drop makes those statements fail (the irreversible "
        "migration lesson)."
    ),
    instead=(
        "Stop using the column in code first, release, then drop it in a separate contract "
        "migration marked `-- agent:destructive` that backs the data up first (MA608)."
    ),
    bad="SET lock_timeout = '2s';\nALTER TABLE lots DROP COLUMN lot_number;",
    good=(
        "-- agent:destructive lot_number unused since release 2025.12\n"
        "SET lock_timeout = '2s';\n"
        "CREATE TABLE _backup_lots_lot_number AS SELECT lot_id, lot_number FROM lots;\n"
        "ALTER TABLE lots DROP COLUMN lot_number;"
    ),
    check=check,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_DropColumn}),
)
