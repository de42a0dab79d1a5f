"""MA115: an EXCLUDE constraint added to an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import TABLE_DEFINITIONS, location, table_constraints
from agent.lint.rules._common import existing_table
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    table = existing_table(statement, context)
    if not table:
        return
    for constraint in table_constraints(statement.node):
        if constraint.contype == ConstrType.CONSTR_EXCLUSION:
            yield RULE.at(context, location(constraint, statement.start), table=table)


RULE = Rule(
    code="MA115",
    name="exclusion-constraint",
    severity=Severity.ERROR,
    message=(
        "adding an EXCLUDE constraint builds its index and checks every row of {table} under "
        "ACCESS EXCLUSIVE, blocking reads and writes"
    ),
    why=(
        "Exclusion constraints cannot be added NOT VALID nor attached from a prebuilt index, "
        "so the whole build happens inside the fully locking ALTER TABLE."
    ),
    instead=(
        "Create the table with the constraint from the start, or copy into a new table that has "
        "it and swap; if it must be added in place, do it in a maintenance window."
    ),
    bad=(
        "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap "
        "EXCLUDE USING gist (room_id WITH =, during WITH &&);"
    ),
    good=(
        "CREATE TABLE bookings (booking_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "room_id bigint NOT NULL, during tstzrange NOT NULL,\n"
        "  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&));"
    ),
    check=check,
    lowered_on_small_tables=True,
    node_types=TABLE_DEFINITIONS,
    alter_kinds=frozenset({AlterTableType.AT_AddConstraint}),
)
