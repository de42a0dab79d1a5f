"""MA109: a column added to an existing table with a volatile DEFAULT."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.effects import volatile_call
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import column_constraints, column_defs, location
from agent.lint.rules._common import existing_table
from agent.lint.source import Statement

__all__ = ["RULE"]

VOLATILE_HOW = "is volatile and computed per row"
UNKNOWN_HOW = "is not built in: unless it is STABLE or IMMUTABLE it is computed per row"


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table or not isinstance(statement.node, ast.AlterTableStmt):
        return
    for column in column_defs(statement.node):
        for default in column_constraints(column, ConstrType.CONSTR_DEFAULT):
            found = volatile_call(default.raw_expr)
            if found:
                function, known = found
                how = VOLATILE_HOW if known else UNKNOWN_HOW
                at = location(default, location(column, statement.start))
                yield RULE.at(context, at, table=table, column=column.colname, function=function, how=how)


RULE = Rule(
    code="MA109",
    name="volatile-default",
    severity=Severity.ERROR,
    message=(
        "DEFAULT {function}() {how}, so adding {column} rewrites {table} under ACCESS "
        "EXCLUSIVE, blocking reads and writes"
    ),
    why=(
        "A constant (or stable) default is stored once and costs nothing; a volatile one must "
        "be written into every existing row, which rewrites the table while it is fully locked."
    ),
    instead=(
        "Add the column with no default (or a constant), set the volatile default with "
        "ALTER COLUMN ... SET DEFAULT for new rows, and backfill old rows in batches by "
        "primary-key range."
    ),
    bad="ALTER TABLE lots ADD COLUMN supplier_id uuid NOT NULL DEFAULT gen_random_uuid();",
    good=(
        "SET lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN received_at timestamptz DEFAULT now();\n"
    ),
    check=check,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AddColumn}),
)
