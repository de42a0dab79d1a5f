"""MA402: a long operation under a blocking lock without statement_timeout."""

from __future__ import annotations

from collections.abc import Iterator

from agent.lint.context import Context
from agent.lint.effects import LOCKING_STATEMENTS
from agent.lint.model import Finding, Rule, Severity
from agent.lint.rules.missing_lock_timeout import blocking
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not context.current_long or context.blocked_long_earlier:
        return
    tables = blocking(context.current_locks)
    if not tables or context.has_timeout("statement_timeout"):
        return
    yield RULE.at(context, statement.start, tables=", ".join(tables))


RULE = Rule(
    code="MA402",
    name="missing-statement-timeout",
    severity=Severity.WARNING,
    message=(
        "this statement scans or rewrites {tables} while blocking writes, and no "
        "statement_timeout bounds how long that lasts"
    ),
    why=(
        "Once the lock is granted, a scan or rewrite runs for as long as the table is big. "
        "Without a statement_timeout, nothing stops a migration that takes far longer than "
        "the rehearsal did."
    ),
    instead=(
        "SET statement_timeout to what the rehearsal on production-sized data needs, or use "
        "the non-blocking form (CONCURRENTLY, NOT VALID + VALIDATE)."
    ),
    bad="SET lock_timeout = '2s';\nALTER TABLE lots ALTER COLUMN quantity TYPE numeric(12, 3);",
    good=(
        "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"
        "ALTER TABLE lots ALTER COLUMN quantity TYPE numeric(12, 3);"
    ),
    check=check,
    node_types=LOCKING_STATEMENTS,
)
