"""MA105: a UNIQUE constraint added to an existing table that builds its own index."""

from __future__ import annotations

from collections.abc import Iterator

from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS
from agent.lint.rules._common import existing_table, key_index_builds
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if table:
        for at in key_index_builds(statement, ConstrType.CONSTR_UNIQUE):
            yield RULE.at(context, at, table=table)


RULE = Rule(
    code="MA105",
    name="unique-without-index",
    severity=Severity.ERROR,
    message=(
        "this UNIQUE constraint builds its index inside ALTER TABLE, holding ACCESS EXCLUSIVE "
        "on {table} (no reads, no writes) for the whole build"
    ),
    why=(
        "ALTER TABLE ... ADD UNIQUE creates the index while the table is fully locked. The same "
        "index can be built beforehand without blocking, then attached as the constraint."
    ),
    instead=(
        "CREATE UNIQUE INDEX CONCURRENTLY the index first, then "
        "ALTER TABLE ... ADD CONSTRAINT name UNIQUE USING INDEX index_name (a quick catalog "
        "change)."
    ),
    bad="ALTER TABLE lots ADD CONSTRAINT lots_code_key UNIQUE (tenant_id, lot_code);",
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
        "CREATE UNIQUE INDEX CONCURRENTLY lots_code_key ON lots (tenant_id, lot_code);\n"
        "ALTER TABLE lots ADD CONSTRAINT lots_code_key UNIQUE USING INDEX lots_code_key;"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=TABLE_DEFINITIONS,
    alter_kinds=frozenset({AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn}),
)
