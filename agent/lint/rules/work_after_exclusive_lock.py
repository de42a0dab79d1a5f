"""MA305: more work in a transaction that already holds ACCESS EXCLUSIVE on a table."""

from __future__ import annotations

from collections.abc import Iterator

from agent.lint.context import Context, lock_work
from agent.lint.model import Finding, Rule, Severity
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.work_under_exclusive or not context.held:
        return
    held = context.exclusive_held()
    work = lock_work(statement.node, held, context.current_locks, context.current_long)
    if work:
        yield RULE.at(context, statement.start, work=work, tables=context.held_since(held))


RULE = Rule(
    code="MA305",
    name="work-after-exclusive-lock",
    severity=Severity.WARNING,
    message=(
        "this statement {work} while the transaction still holds ACCESS EXCLUSIVE on {tables}: "
        "reads and writes there wait for it too"
    ),
    why=(
        "A lock is kept until the transaction ends. Whatever follows the statement that took "
        "it and reads or writes rows in bulk, scans, rewrites or builds an index on the table "
        "held, or locks another existing table (a backfill, a validation, an index build, a "
        "wait in another lock queue) extends the outage on that table. Catalog-only statements "
        "(SET, COMMENT, a rename, CREATE or DROP of a function, view or index, a policy, a new "
        "table, an INSERT of listed rows, a trigger on the table already held) cost "
        "milliseconds and do not count, nor does a lock on a table the file created or has "
        "already dropped."
    ),
    instead=(
        "Commit right after the statement that needs ACCESS EXCLUSIVE and do the rest in the "
        "next transaction or migration, or reorder so the short exclusive step comes last."
    ),
    bad=(
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN lot_code text;\n"
        "UPDATE lots SET lot_code = lot_number WHERE lot_id < 1000;\nCOMMIT;"
    ),
    good=(
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN lot_code text;\nCOMMIT;\n"
        "BEGIN;\nUPDATE lots SET lot_code = lot_number WHERE lot_id < 1000;\nCOMMIT;"
    ),
    check=check,
)
