"""MA401: a lock that blocks traffic requested without lock_timeout."""

from __future__ import annotations

from collections.abc import Iterator

from agent.lint.context import Context
from agent.lint.effects import LOCKING_STATEMENTS, Locks
from agent.lint.model import Finding, Rule, Severity
from agent.lint.source import Statement

__all__ = ["RULE", "blocking"]


def blocking(locks: Locks) -> list[str]:
    """Tables on which these locks stop writes (or reads)."""
    return sorted(t for t, mode in locks.items() if mode.blocks_writes)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.blocked_earlier or context.has_timeout("lock_timeout"):
        return
    tables = blocking(context.current_locks)
    if not tables:
        return
    mode = max(context.current_locks[t] for t in tables)
    yield RULE.at(context, statement.start, mode=mode.label, tables=", ".join(tables))


RULE = Rule(
    code="MA401",
    name="missing-lock-timeout",
    severity=Severity.ERROR,
    message=(
        "{mode} on {tables} is requested with no lock_timeout: while it waits behind a long "
        "query, every new query on the table queues behind it"
    ),
    why=(
        "Lock requests are served in order. A migration waiting for its lock blocks everyone "
        "who arrives after it, so a one-millisecond ALTER behind a ten-minute report takes the "
        "table down for ten minutes."
    ),
    instead=(
        "Start the migration with SET lock_timeout = '2s' (SET LOCAL inside BEGIN), and retry "
        "the migration when it times out."
    ),
    bad="ALTER TABLE lots ADD COLUMN lot_code text;",
    good="SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN lot_code text;",
    check=check,
    node_types=LOCKING_STATEMENTS,
)
