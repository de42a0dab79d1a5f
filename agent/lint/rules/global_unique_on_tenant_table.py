"""MA609: a UNIQUE key on a tenant table that does not include tenant_id."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.facts import TENANT_COLUMN
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import (
    TABLE_DEFINITIONS,
    column_constraints,
    column_defs,
    location,
    string_values,
    table_constraints,
    walk,
)
from agent.lint.rules._common import target_table
from agent.lint.source import Statement

__all__ = ["RULE"]


def _index_columns(node: ast.IndexStmt) -> set[str]:
    names = {e.name for e in node.indexParams or () if isinstance(e, ast.IndexElem) and e.name}
    refs = (r for r in walk(node.indexParams) if isinstance(r, ast.ColumnRef))
    return names | {s for r in refs for s in string_values(r.fields)}


def _global_keys(statement: Statement) -> Iterator[tuple[int, str]]:
    node = statement.node
    if isinstance(node, ast.IndexStmt) and node.unique:
        columns = _index_columns(node)
        if TENANT_COLUMN not in columns:
            yield statement.start, ", ".join(sorted(columns))
    for constraint in table_constraints(node):
        keys = string_values(constraint.keys)
        if constraint.indexname:  # UNIQUE USING INDEX: the index was judged when it was built
            continue
        if constraint.contype == ConstrType.CONSTR_UNIQUE and TENANT_COLUMN not in keys:
            yield location(constraint, statement.start), ", ".join(keys)
    for column in column_defs(node):
        for constraint in column_constraints(column, ConstrType.CONSTR_UNIQUE):
            if column.colname != TENANT_COLUMN:
                yield location(constraint, statement.start), str(column.colname)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = target_table(statement)
    if table not in context.facts.tenant_tables:
        return
    for at, columns in _global_keys(statement):
        yield RULE.at(context, at, table=table, columns=columns)


RULE = Rule(
    code="MA609",
    name="global-unique-on-tenant-table",
    severity=Severity.WARNING,
    message=(
        "UNIQUE ({columns}) on tenant table {table} spans all tenants: one tenant's value "
        "blocks every other tenant, and the error tells them it exists"
    ),
    why=(
        "Tenants share the table, not their namespaces. A key unique across tenants makes one "
        "customer's codes collide with another's and leaks, through the duplicate-key error, "
        "that some other tenant uses the value."
    ),
    instead=(
        "Scope the key to the tenant: UNIQUE (tenant_id, col). Keep a global key only for "
        "values that are global by nature, and say so with an ignore and its reason."
    ),
    bad=(
        "CREATE TABLE bins (bin_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, code text NOT NULL,\n"
        "  CONSTRAINT bins_code_key UNIQUE (code));"
    ),
    good=(
        "CREATE TABLE bins (bin_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, code text NOT NULL,\n"
        "  CONSTRAINT bins_code_key UNIQUE (tenant_id, code));"
    ),
    check=check,
    node_types=(ast.IndexStmt, *TABLE_DEFINITIONS),
    alter_kinds=frozenset({AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn}),
)
