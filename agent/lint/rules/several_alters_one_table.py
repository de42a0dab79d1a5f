"""MA304: several ALTER TABLE statements on one table in a transaction."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import alter_commands
from agent.lint.rules._common import existing_table, relation_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def _works(node: ast.AlterTableStmt, context: Context) -> bool:
    """Whether the ALTER scans, rewrites or validates the table (catalog-only changes do not)."""
    return context.current_long or any(alter_commands(node, AlterTableType.AT_ValidateConstraint))


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.AlterTableStmt) or not context.in_transaction:
        return
    table = existing_table(statement, context)
    held = context.held.get(table) if table else None
    if (table and held and held.blocks_writes and context.current_locks.get(table, 0) < held
            and context.altered.get(table, 0) >= 1 and _works(node, context)):
        yield RULE.at(context, relation_at(statement), table=table, mode=held.label,
                      line=context.held_at.get(table, 0))


RULE = Rule(
    code="MA304",
    name="several-alters-one-table",
    severity=Severity.WARNING,
    message=(
        "this ALTER TABLE {table} scans, rewrites or validates the table while the transaction "
        "holds {mode} on it since line {line}: the table stays locked until COMMIT"
    ),
    why=(
        "A later ALTER that scans or validates the table under a weaker lock of its own (a "
        "foreign key's SHARE ROW EXCLUSIVE, VALIDATE CONSTRAINT's SHARE UPDATE EXCLUSIVE) does "
        "that work while the stronger lock from the earlier one is still held, so reads (or "
        "writes) wait for the whole scan. An ALTER that takes ACCESS EXCLUSIVE itself (a CHECK, "
        "SET NOT NULL, a type change, a primary key) blocks as much on its own, and its own "
        "rule reports it; catalog-only changes (a nullable or constant-default column, a "
        "rename, a dropped constraint, a NOT VALID check, row-level security) cost "
        "milliseconds and do not count."
    ),
    instead=(
        "Commit before the step that scans, or use its non-blocking form (ADD ... NOT VALID, "
        "then VALIDATE CONSTRAINT in the next transaction)."
    ),
    bad=(
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN lot_code text;\n"
        "ALTER TABLE lots VALIDATE CONSTRAINT lots_qty_check;\nCOMMIT;"
    ),
    good=(
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN lot_code text;\nCOMMIT;\n"
        "ALTER TABLE lots VALIDATE CONSTRAINT lots_qty_check;"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=(ast.AlterTableStmt,),
)
