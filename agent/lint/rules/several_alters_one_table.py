"""MA304: several ALTER TABLE statements on one table in a transaction."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules._common import existing_table, relation_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not isinstance(statement.node, ast.AlterTableStmt) or not context.in_transaction:
        return
    table = existing_table(statement, context)
    if table and context.altered.get(table, 0) >= 1:
        yield RULE.at(context, relation_at(statement), table=table)


RULE = Rule(
    code="MA304",
    name="several-alters-one-table",
    severity=Severity.WARNING,
    message=(
        "another ALTER TABLE {table} in the same transaction: the table stays locked "
        "from the first one until COMMIT"
    ),
    why=(
        "Each ALTER re-checks and may rewrite the table while the lock from the earlier one is "
        "still held; one ALTER with several actions does the work in a single pass."
    ),
    instead=(
        "Combine the actions: ALTER TABLE t ADD COLUMN a ..., ADD COLUMN b ...; or, when a "
        "step must see the previous one committed, put it in its own migration."
    ),
    bad=(
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN lot_code text;\n"
        "ALTER TABLE lots ADD COLUMN supplier_id uuid;\nCOMMIT;"
    ),
    good=(
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN lot_code text, ADD COLUMN supplier_id uuid;\nCOMMIT;"
    ),
    check=check,
    node_types=(ast.AlterTableStmt,),
)
