"""MA602: a foreign key whose columns no index (in the file or an earlier one) leads with."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from pglast.enums import AlterTableType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, location
from agent.lint.rules._common import foreign_keys, target_table
from agent.lint.source import Statement

__all__ = ["RULE"]


def _indexed(context: Context, table: str, columns: tuple[str, ...]) -> bool:
    """An index of this file, or of a forward migration linted before it, leads with them."""
    wanted = set(columns)
    here = (cols for t, cols in context.facts.indexes if t == table)
    known = chain(here, context.earlier_files.columns_of(table))
    return any(set(cols[: len(columns)]) == wanted for cols in known)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = target_table(statement)
    for constraint, columns in foreign_keys(statement):
        if columns and not _indexed(context, table, columns):
            yield RULE.at(context, location(constraint, statement.start), table=table,
                          columns=", ".join(columns))


RULE = Rule(
    code="MA602",
    name="foreign-key-without-index",
    severity=Severity.WARNING,
    message=(
        "no index on {table} ({columns}) in this migration or an earlier one linted with it: "
        "every delete or key update on the parent scans {table}, and joins on the key scan it too"
    ),
    why=(
        "PostgreSQL indexes the referenced side of a foreign key, never the referencing side. "
        "Without one, ON DELETE checks and cascades read the whole child table per parent row."
    ),
    instead=(
        "Create an index that leads with the key's columns in the same migration "
        "(CONCURRENTLY if the table already exists). An index built by an earlier migration "
        "counts when that file is linted in the same run, before this one."
    ),
    bad=(
        "CREATE TABLE lots (lot_id bigint PRIMARY KEY,\n"
        "  material_id bigint NOT NULL REFERENCES materials (material_id) ON DELETE RESTRICT);"
    ),
    good=(
        "CREATE TABLE lots (lot_id bigint PRIMARY KEY,\n"
        "  material_id bigint NOT NULL REFERENCES materials (material_id) ON DELETE RESTRICT);\n"
        "CREATE INDEX idx_lots_material_id ON lots (material_id);"
    ),
    check=check,
    node_types=TABLE_DEFINITIONS,
    alter_kinds=frozenset({AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn}),
)
