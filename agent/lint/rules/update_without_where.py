"""MA209: UPDATE without WHERE on an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules._common import every_row, relation_at
from agent.lint.source import Statement

__all__ = ["RULE", "unqualified_update"]


def unqualified_update(statement: Statement, context: Context) -> list[str]:
    """The existing table whose every row the statement updates (none or one)."""
    return every_row(statement, context, ast.UpdateStmt)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for table in unqualified_update(statement, context):
        yield RULE.at(context, relation_at(statement), table=table)


RULE = Rule(
    code="MA209",
    name="update-without-where",
    severity=Severity.ERROR,
    message=(
        "UPDATE of every row of {table} in one statement locks all of them and bloats the "
        "table until it commits"
    ),
    why=(
        "One huge UPDATE holds row locks on the whole table (blocking concurrent writers), "
        "writes a new version of every row, and cannot be stopped halfway without losing it all."
    ),
    instead=(
        "Backfill in batches by primary-key range, one transaction each: "
        "UPDATE t SET ... WHERE id >= $lo AND id < $hi AND col IS NULL."
    ),
    bad="UPDATE lots SET lot_code = lot_number;",
    good=(
        "UPDATE lots SET lot_code = lot_number\n"
        "WHERE lot_id IN (SELECT lot_id FROM lots WHERE lot_code IS NULL ORDER BY lot_id LIMIT "
        "1000);"
    ),
    check=check,
    node_types=(ast.UpdateStmt,),
)
