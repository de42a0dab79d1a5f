"""MA604: a tenant table with no policy in the file."""

from __future__ import annotations

from collections.abc import Iterator

from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS
from agent.lint.rules._common import target_table
from agent.lint.rules.tenant_table_without_rls import tenant_column_at
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    at = tenant_column_at(statement)
    table = target_table(statement)
    if at is not None and table not in context.facts.policies:
        yield RULE.at(context, at, table=table)


RULE = Rule(
    code="MA604",
    name="tenant-table-without-policy",
    severity=Severity.ERROR,
    message=(
        "{table} has tenant_id but no CREATE POLICY in this migration: with RLS on, nobody "
        "sees any row; with RLS off, everybody sees all of them"
    ),
    why=(
        "Row-level security without a policy denies everything, which breaks the application; "
        "the usual fix under pressure is to switch RLS off, which leaks every tenant's data."
    ),
    instead=(
        "CREATE POLICY <table>_tenant_isolation ON <table> FOR ALL USING (tenant_id = "
        "NULLIF(current_setting('app.current_tenant_id', true), '')::uuid) WITH CHECK (same)."
    ),
    bad=(
        "CREATE TABLE bins (bin_id uuid PRIMARY KEY, tenant_id uuid NOT NULL);\n"
        "ALTER TABLE bins ENABLE ROW LEVEL SECURITY;\n"
        "ALTER TABLE bins FORCE ROW LEVEL SECURITY;"
    ),
    good=(
        "CREATE TABLE bins (bin_id uuid PRIMARY KEY, tenant_id uuid NOT NULL);\n"
        "ALTER TABLE bins ENABLE ROW LEVEL SECURITY;\n"
        "ALTER TABLE bins FORCE ROW LEVEL SECURITY;\n"
        "CREATE POLICY bins_tenant_isolation ON bins FOR ALL\n"
        "  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)\n"
        "  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), "
        "'')::uuid);"
    ),
    check=check,
    node_types=TABLE_DEFINITIONS,
    alter_kinds=frozenset({AlterTableType.AT_AddColumn}),
)
