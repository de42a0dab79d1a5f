"""MA205: RENAME COLUMN on an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules._common import existing_table, relation_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.RenameStmt) or node.renameType != ObjectType.OBJECT_COLUMN:
        return
    table = existing_table(statement, context)
    if table and not context.down:
        yield RULE.at(context, relation_at(statement), table=table, old=node.subname,
                      new=node.newname)


RULE = Rule(
    code="MA205",
    name="rename-column",
    severity=Severity.ERROR,
    message=(
        "renaming {table}.{old} to {new} breaks every deployed query that uses the old name "
        "the moment the migration commits"
    ),
    why=(
        "Old and new application versions run side by side during a deploy; a rename is "
        "instant in the database but not in the code, so one of them is always broken."
    ),
    instead=(
        "Expand and contract: add the new column, keep both in step (trigger or dual writes), "
        "backfill by primary-key range, move readers, then drop the old column later."
    ),
    bad="ALTER TABLE lots RENAME COLUMN lot_number TO lot_code;",
    good="SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN lot_code text;",
    check=check,
    node_types=(ast.RenameStmt,),
)
