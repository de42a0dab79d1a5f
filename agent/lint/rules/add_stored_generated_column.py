"""MA112: a STORED generated column added to an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import column_constraints, column_defs, location
from agent.lint.rules._common import existing_table
from agent.lint.source import Statement

__all__ = ["RULE"]


def _stored(column: ast.ColumnDef) -> bool:
    generated = column_constraints(column, ConstrType.CONSTR_GENERATED)
    return any(c.generated_kind == "s" for c in generated)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table or not isinstance(statement.node, ast.AlterTableStmt):
        return
    for column in column_defs(statement.node):
        if _stored(column):
            yield RULE.at(context, location(column, statement.start), table=table,
                          column=column.colname)


RULE = Rule(
    code="MA112",
    name="add-stored-generated-column",
    severity=Severity.ERROR,
    message=(
        "adding STORED generated column {column} computes it for every row, rewriting {table} "
        "under ACCESS EXCLUSIVE"
    ),
    why=(
        "A stored generated value is written into each row, so the whole table is rewritten "
        "while it is fully locked."
    ),
    instead=(
        "Use a VIRTUAL generated column (PostgreSQL 18) or a plain column kept by a trigger and "
        "backfilled in batches."
    ),
    bad=(
        "ALTER TABLE lots ADD COLUMN total numeric "
        "GENERATED ALWAYS AS (quantity * unit_price) STORED;"
    ),
    good=(
        "SET lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN total numeric;"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AddColumn}),
)
