"""MA303: a BEGIN (or COMMIT AND CHAIN) whose transaction is never committed or rolled back."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules.nested_transaction import is_end, opens_transaction
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if opens_transaction(statement.node) and not any(is_end(s.node) for s in context.later()):
        yield RULE.at(context, statement.start)


RULE = Rule(
    code="MA303",
    name="uncommitted-transaction",
    severity=Severity.ERROR,
    message=(
        "the transaction this opens is never committed in the file: its work is rolled back "
        "when the session ends, or commits with whatever the runner does next"
    ),
    why=(
        "A transaction left open keeps every lock it took until someone ends it, and whether "
        "its changes survive depends on the tool that ran the file."
    ),
    instead="End the file with COMMIT; (or leave out BEGIN and let the runner wrap the file).",
    bad="BEGIN;\nCREATE TABLE a (a_id bigint PRIMARY KEY);",
    good="BEGIN;\nCREATE TABLE a (a_id bigint PRIMARY KEY);\nCOMMIT;",
    check=check,
    node_types=(ast.TransactionStmt,),
)
