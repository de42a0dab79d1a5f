"""MA212: ALTER TYPE ... RENAME VALUE."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import names
from agent.lint.rules._common import breaking_acknowledged
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if isinstance(node, ast.AlterEnumStmt) and node.oldVal and not breaking_acknowledged(context):
        yield RULE.at(context, statement.start, type=names(node.typeName), old=node.oldVal, new=node.newVal)


RULE = Rule(
    code="MA212",
    name="rename-enum-value",
    severity=Severity.WARNING,
    message=(
        "renaming value '{old}' of enum {type} to '{new}' breaks the running release's queries "
        "and writes that use '{old}'"
    ),
    why=(
        "The rename takes effect at commit, while the deployed code still sends and compares the "
        "old label: its inserts fail with an invalid input value and its WHERE clauses stop "
        "matching rows, until every instance runs the new code."
    ),
    instead=(
        "Add the new value (ALTER TYPE ... ADD VALUE), deploy code that writes it and reads both, "
        "move the rows over in batches, and stop using the old value; an enum value cannot be "
        "dropped, so a label that must go means a new type."
    ),
    bad="ALTER TYPE lot_state RENAME VALUE 'hold' TO 'on_hold';",
    good="ALTER TYPE lot_state ADD VALUE IF NOT EXISTS 'on_hold';",
    check=check,
    node_types=(ast.AlterEnumStmt,),
)
