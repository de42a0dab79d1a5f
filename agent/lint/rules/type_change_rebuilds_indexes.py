"""MA118: ALTER COLUMN ... TYPE on a column that expression or partial indexes read."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.effects import rebuilt_by
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules._common import relation_at, type_changes_without_rewrite
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    for table, column in type_changes_without_rewrite(statement, context):
        indexes = rebuilt_by(column, context.dependents_of(table))
        if indexes:
            yield RULE.at(context, relation_at(statement), table=table, column=column, indexes=", ".join(indexes))


RULE = Rule(
    code="MA118",
    name="type-change-rebuilds-indexes",
    severity=Severity.WARNING,
    message=(
        "changing the type of {table}.{column} builds {indexes} again under ACCESS EXCLUSIVE: they "
        "read the column in an expression or a WHERE, even though the table is not rewritten"
    ),
    why=(
        "PostgreSQL keeps an index on the plain column when the new type sorts the same (a longer "
        "varchar, varchar to text), but an index whose expression or predicate reads the column "
        "is built again from every row while reads and writes wait."
    ),
    instead=(
        "DROP INDEX CONCURRENTLY the index first and CREATE INDEX CONCURRENTLY it again after the "
        "type change (queries that use it run slower meanwhile, and a unique one checks nothing "
        "meanwhile), or move to a new column of the new type (expand and contract)."
    ),
    bad=(
        "CREATE INDEX CONCURRENTLY idx_lots_lower_code ON lots (lower(lot_code));\n"
        "ALTER TABLE lots ALTER COLUMN lot_code TYPE text;"
    ),
    good=(
        "CREATE INDEX CONCURRENTLY idx_lots_lower_code ON lots (lower(lot_code));\n"
        "DROP INDEX CONCURRENTLY idx_lots_lower_code;\n"
        "ALTER TABLE lots ALTER COLUMN lot_code TYPE text;\n"
        "CREATE INDEX CONCURRENTLY idx_lots_lower_code ON lots (lower(lot_code));"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=(ast.AlterTableStmt,),
    alter_kinds=frozenset({AlterTableType.AT_AlterColumnType}),
)
