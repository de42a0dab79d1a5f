"""MA104: a CHECK or FOREIGN KEY added to an existing table without NOT VALID."""

from __future__ import annotations

from collections.abc import Iterator

from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.effects import filled_foreign_keys
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, column_constraints, column_defs, location, table_constraints
from agent.lint.rules._common import existing_table
from agent.lint.rules.column_type_change import rewriting_type_changes
from agent.lint.source import Statement

__all__ = ["RULE"]

_KINDS = {ConstrType.CONSTR_CHECK: "CHECK", ConstrType.CONSTR_FOREIGN: "FOREIGN KEY"}


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table:
        return
    # A CHECK added by an ALTER that rewrites the table is checked in the same pass (MA108's)
    rewrites = any(rewriting_type_changes(statement, context, table))
    for constraint in table_constraints(statement.node):
        kind = _KINDS.get(ConstrType(constraint.contype or 0))
        if kind and not constraint.skip_validation and not (rewrites and kind == "CHECK"):
            at = location(constraint, statement.start)
            yield RULE.at(context, at, kind=kind, table=table)
    # A CHECK on a column being added is validated against every row too, and so is a
    # REFERENCES when the column has a value in every row (a default): each is looked up.
    for column in column_defs(statement.node):
        for constraint in column_constraints(column, ConstrType.CONSTR_CHECK):
            yield RULE.at(context, location(constraint, statement.start), kind="CHECK", table=table)
        for constraint in filled_foreign_keys(column):
            yield RULE.at(context, location(constraint, statement.start), kind="FOREIGN KEY", table=table)


RULE = Rule(
    code="MA104",
    name="constraint-not-valid",
    severity=Severity.ERROR,
    message=(
        "adding a {kind} to {table} checks every existing row while holding a lock that "
        "blocks writes"
    ),
    why=(
        "Without NOT VALID, PostgreSQL validates all rows inside the ALTER TABLE, keeping the "
        "table (and for a foreign key, the referenced table) locked against writes for the "
        "whole scan."
    ),
    instead=(
        "Add the constraint with NOT VALID (new rows are checked at once), then in a later "
        "statement or migration run ALTER TABLE ... VALIDATE CONSTRAINT, which only takes "
        "SHARE UPDATE EXCLUSIVE. For a new column, add it without the CHECK or REFERENCES "
        "(a column constraint cannot be NOT VALID) and add the constraint that way."
    ),
    bad=(
        "ALTER TABLE lots ADD CONSTRAINT lots_qty_positive CHECK (quantity > 0);"
    ),
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD CONSTRAINT lots_qty_positive CHECK (quantity > 0) NOT VALID;\n"
        "ALTER TABLE lots VALIDATE CONSTRAINT lots_qty_positive;"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=TABLE_DEFINITIONS,
    alter_kinds=frozenset({AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn}),
)
