"""MA211: DROP ... CASCADE in an up migration."""

from __future__ import annotations

from collections.abc import Iterator

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules.drop_cascade_in_down import CASCADING_STATEMENTS, cascade_takes, cascades
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not context.down and cascades(statement.node):
        yield RULE.at(context, statement.start, takes=cascade_takes(statement.node))


RULE = Rule(
    code="MA211",
    name="drop-cascade",
    severity=Severity.ERROR,
    message="CASCADE silently drops whatever depends on what this statement drops: {takes}",
    why=(
        "CASCADE removes every dependent object that exists on the server when it runs, which "
        "may be more than the migration's author saw: another table's foreign key (its rows are "
        "then no longer checked), a view that reports read, a policy. Nothing in the migration "
        "names them and the drop reports no error."
    ),
    instead=(
        "Drop the dependents the migration means to drop by name first, then the object with "
        "RESTRICT (the default), so an unexpected dependent stops the migration."
    ),
    bad="DROP TABLE storage_locations CASCADE;",
    good=(
        "ALTER TABLE lots DROP CONSTRAINT lots_location_fk;\n"
        "DROP TABLE storage_locations;"
    ),
    check=check,
    node_types=CASCADING_STATEMENTS,
)
