"""MA305: work in a transaction that already holds a lock blocking writes (SHARE or stronger)
on a table, stronger than the work's own lock there."""

from __future__ import annotations

from collections.abc import Iterator

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.source import Statement

__all__ = ["RULE"]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if context.work_under_lock:  # once per transaction: the first work names the holder
        return
    work, held = context.work_under_held()
    if work:
        blocked = "reads and writes" if any(context.held[t].blocks_reads for t in held) else "writes"
        yield RULE.at(context, statement.start, work=work, holds=context.held_since(held), blocked=blocked)


RULE = Rule(
    code="MA305",
    name="work-after-exclusive-lock",
    severity=Severity.WARNING,
    message=(
        "this statement {work} while the transaction still holds {holds}: {blocked} there "
        "wait for it too"
    ),
    why=(
        "A lock is kept until the transaction ends. Once a statement has taken a lock that "
        "blocks writes (SHARE from CREATE INDEX, SHARE ROW EXCLUSIVE from a foreign key or "
        "trigger, EXCLUSIVE, ACCESS EXCLUSIVE from most ALTER TABLE), whatever follows it "
        "and reads or writes rows in bulk, scans, rewrites or builds an index on the table "
        "held or another one (a backfill, a validation, an index build) extends the outage on "
        "that table. A wait for another table's lock is bounded by lock_timeout, and reported "
        "by MA401 when none is set. Catalog-only statements "
        "(SET, COMMENT, a rename, CREATE or DROP of a function, view or index, a policy, a new "
        "table, an INSERT of listed rows, a trigger on the table already held) cost "
        "milliseconds and do not count, nor does a lock on a table the file created or has "
        "already dropped, nor work that takes as strong a lock on the held table itself."
    ),
    instead=(
        "Commit right after the statement that takes the strong lock and do the rest in the "
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
