"""MA206: RENAME of an existing table."""

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
    if not isinstance(node, ast.RenameStmt) or node.renameType != ObjectType.OBJECT_TABLE:
        return
    table = existing_table(statement, context)
    if table and not context.down:
        yield RULE.at(context, relation_at(statement), table=table, new=node.newname)


RULE = Rule(
    code="MA206",
    name="rename-table",
    severity=Severity.ERROR,
    message="renaming table {table} to {new} breaks every deployed query that uses the old name",
    why=(
        "The running release keeps using the old name until it is replaced; between the commit "
        "and the end of the deploy every one of its queries on the table fails."
    ),
    instead=(
        "Rename, then create a view with the old name (CREATE VIEW old AS SELECT * FROM new) "
        "in the same transaction so both names work; drop the view once no code uses it."
    ),
    bad="ALTER TABLE lots RENAME TO inventory_lots;",
    good="CREATE VIEW inventory_lots AS SELECT * FROM lots;",
    check=check,
    node_types=(ast.RenameStmt,),
)
