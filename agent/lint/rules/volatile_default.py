"""MA109: a column added to an existing table with a volatile DEFAULT."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.effects import volatile_call, written_default
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import column_constraints, column_defs, location
from agent.lint.rules._common import existing_table
from agent.lint.source import Statement

__all__ = ["RULE"]

VOLATILE_HOW = "is volatile and computed per row"
UNKNOWN_HOW = "is not built in: unless it is STABLE or IMMUTABLE it is computed per row"
OLD_SERVER_HOW = "is written into every row before PostgreSQL 11 (the target is {target})"


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table or not isinstance(statement.node, ast.AlterTableStmt):
        return
    for column in column_defs(statement.node):
        for default in column_constraints(column, ConstrType.CONSTR_DEFAULT):
            found = volatile_call(default.raw_expr)
            at = location(default, location(column, statement.start))
            if found:
                function, known = found
                how = VOLATILE_HOW if known else UNKNOWN_HOW
                yield RULE.at(context, at, table=table, column=column.colname, default=f"{function}()", how=how)
            elif default.raw_expr is not None and written_default(default, context.pg_version):
                from pglast.stream import RawStream  # only for old targets: not at start-up

                how = OLD_SERVER_HOW.format(target=context.pg_version)
                yield RULE.at(context, at, table=table, column=column.colname,
                              default=RawStream()(default.raw_expr), how=how)


RULE = Rule(
    code="MA109",
    name="volatile-default",
    severity=Severity.ERROR,
    message=(
        "DEFAULT {default} {how}, so adding {column} rewrites {table} under ACCESS "
        "EXCLUSIVE, blocking reads and writes"
    ),
    why=(
        "A constant (or stable) default is stored once and costs nothing; a volatile one must "
        "be written into every existing row, which rewrites the table while it is fully locked. "
        "Before PostgreSQL 11 every default but NULL was written into every row (with "
        "--pg-version 10, a constant default is reported too)."
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
    lowered_on_small_tables=True,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AddColumn}),
)
