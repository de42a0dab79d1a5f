"""MA610: rows read or written under FORCE ROW LEVEL SECURITY without row_security off."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name, walk
from agent.lint.source import Statement

__all__ = ["RULE"]

_VERBS = {
    ast.UpdateStmt: "UPDATE", ast.DeleteStmt: "DELETE", ast.InsertStmt: "INSERT ... SELECT",
    ast.MergeStmt: "MERGE", ast.CreateTableAsStmt: "CREATE TABLE AS", ast.SelectStmt: "SELECT INTO",
}


def _read_tables(node: ast.Node) -> list[str]:
    """The tables whose rows the statement reads or changes (not the new table it fills)."""
    if isinstance(node, ast.SelectStmt) and node.intoClause is None:
        return []
    skipped = node.relation if isinstance(node, ast.InsertStmt) else None
    read = node.query if isinstance(node, ast.CreateTableAsStmt) else node
    found = (table_name(r) for r in walk(read) if isinstance(r, ast.RangeVar) and r is not skipped)
    return sorted(set(found))


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    verb = _VERBS.get(type(statement.node))
    if verb is None or context.row_security_off() or not context.forced_rls:
        return
    tables = [t for t in _read_tables(statement.node)
              if t in context.forced_rls and not context.created_here(t) and t not in context.dropped]
    if tables:
        yield RULE.at(context, statement.start, verb=verb, tables=", ".join(tables))


RULE = Rule(
    code="MA610",
    name="rows-filtered-by-forced-rls",
    severity=Severity.WARNING,
    message=(
        "{verb} reads rows of {tables}, which has FORCE ROW LEVEL SECURITY, with row_security "
        "on: a migration role without BYPASSRLS sees only the current tenant's rows and "
        "silently skips the others"
    ),
    why=(
        "FORCE applies the tenant policy to the table's owner too. Outside a request no tenant "
        "is set, so the policy matches nothing: a backfill updates no row and a backup copies "
        "no row, and the migration reports success (the row-level security lesson)."
    ),
    instead=(
        "SET LOCAL row_security = off; before the statement (SET and RESET outside a "
        "transaction), and run migrations as a role with BYPASSRLS: a role the policy would "
        "filter then gets an error instead of a partial result. Keep FORCE on."
    ),
    bad=(
        "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\n"
        "CREATE TABLE _backup_lots_notes AS SELECT lot_id, notes FROM lots;"
    ),
    good=(
        "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\n"
        "SET LOCAL row_security = off;\n"
        "CREATE TABLE _backup_lots_notes AS SELECT lot_id, notes FROM lots;"
    ),
    check=check,
    node_types=tuple(_VERBS),
)
