"""MA210: DELETE without WHERE on an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules._common import every_row, relation_at
from agent.lint.source import Statement

__all__ = ["RULE", "unqualified_delete"]


def unqualified_delete(statement: Statement, context: Context) -> list[str]:
    """The existing table whose every row the statement deletes (none or one)."""
    return every_row(statement, context, ast.DeleteStmt)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.down:  # a rollback that empties a table chooses to, as a down's DROP does
        return
    for table in unqualified_delete(statement, context):
        yield RULE.at(context, relation_at(statement), table=table)


RULE = Rule(
    code="MA210",
    name="delete-without-where",
    severity=Severity.ERROR,
    message="DELETE without WHERE removes every row of {table}",
    why=(
        "An unqualified DELETE is either a mistake or a bulk purge; as a bulk purge it locks "
        "every row and leaves the whole table as dead tuples. A down file is exempt: emptying "
        "a table when rolling back is a choice, like the drops a down makes."
    ),
    instead=(
        "Delete the rows you mean with a WHERE clause, in batches by primary-key range, after "
        "copying them to a _backup_ table."
    ),
    bad="DELETE FROM lot_events;",
    good="DELETE FROM lot_events WHERE created_at < now() - interval '2 years';",
    check=check,
    node_types=(ast.DeleteStmt,),
)
