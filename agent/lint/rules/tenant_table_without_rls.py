"""MA603: a tenant table without ENABLE and FORCE ROW LEVEL SECURITY in the file."""

from __future__ import annotations

from collections.abc import Iterator

from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.facts import TENANT_COLUMN
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, column_defs, location
from agent.lint.rules._common import target_table
from agent.lint.source import Statement

__all__ = ["RULE", "tenant_column_at"]


def tenant_column_at(statement: Statement) -> int | None:
    """Where the statement defines a tenant_id column, if it does."""
    for column in column_defs(statement.node):
        if column.colname == TENANT_COLUMN:
            return location(column, statement.start)
    return None


def _missing(context: Context, table: str) -> list[str]:
    facts = context.facts
    missing = [] if table in facts.rls_enabled else ["ENABLE"]
    return missing + ([] if table in facts.rls_forced else ["FORCE"])


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    at = tenant_column_at(statement)
    table = target_table(statement)
    missing = _missing(context, table) if at is not None else []
    if at is not None and missing:
        yield RULE.at(context, at, table=table, missing=" and ".join(missing))


RULE = Rule(
    code="MA603",
    name="tenant-table-without-rls",
    severity=Severity.ERROR,
    message=(
        "{table} has tenant_id but this migration never runs {missing} ROW LEVEL SECURITY on "
        "it: one tenant's queries can read every tenant's rows"
    ),
    why=(
        "Tenant isolation lives in the database, not in each query. ENABLE turns policies on; "
        "FORCE makes them apply to the table owner too, which is often the role the "
        "application connects as."
    ),
    instead=(
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY; "
        "in the migration that creates the table, together with its policy."
    ),
    bad=(
        "CREATE TABLE bins (bin_id uuid PRIMARY KEY, tenant_id uuid NOT NULL);\n"
        "ALTER TABLE bins ENABLE ROW LEVEL SECURITY;\n"
        "CREATE POLICY bins_tenant_isolation ON bins FOR ALL\n"
        "  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)\n"
        "  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), "
        "'')::uuid);"
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
