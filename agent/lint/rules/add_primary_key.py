"""MA106: a primary key added to an existing table without a prebuilt index."""

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
        for at in key_index_builds(statement, ConstrType.CONSTR_PRIMARY):
            yield RULE.at(context, at, table=table)


RULE = Rule(
    code="MA106",
    name="add-primary-key",
    severity=Severity.ERROR,
    message=(
        "adding a primary key to {table} builds its index (and checks NOT NULL) under "
        "ACCESS EXCLUSIVE, blocking reads and writes"
    ),
    why=(
        "A primary key needs a unique index and NOT NULL columns. Done in one ALTER TABLE, "
        "both the index build and the null scan happen while nothing else can touch the table."
    ),
    instead=(
        "Make the columns NOT NULL safely first (see MA107), CREATE UNIQUE INDEX CONCURRENTLY, "
        "then ALTER TABLE ... ADD CONSTRAINT name PRIMARY KEY USING INDEX index_name."
    ),
    bad="ALTER TABLE lot_events ADD PRIMARY KEY (event_id);",
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
        "CREATE UNIQUE INDEX CONCURRENTLY lot_events_pkey ON lot_events (event_id);\n"
        "ALTER TABLE lot_events ADD CONSTRAINT lot_events_pkey PRIMARY KEY USING INDEX "
        "lot_events_pkey;"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=TABLE_DEFINITIONS,
    alter_kinds=frozenset({AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn}),
)
