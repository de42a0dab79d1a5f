"""MA003: an `-- agent:` comment the linter does not understand."""

from __future__ import annotations

from agent.lint.model import Rule, Severity

__all__ = ["RULE"]

RULE = Rule(
    code="MA003",
    name="unknown-marker",
    severity=Severity.WARNING,
    message="`-- agent:{verb}` is not a marker the linter knows, so it has no effect",
    why=(
        "A misspelt marker (`agent:ingore`, `agent:no-transactions`) silently changes nothing: "
        "the file is linted and run as if it were absent."
    ),
    instead=(
        "Use one of `agent:ignore CODE reason`, `agent:no-transaction`, "
        "`agent:direction up|down`, `agent:destructive`, `agent:phase ...`, "
        "`agent:deploy ...`."
    ),
    bad="-- agent:no-transactions\nCREATE INDEX CONCURRENTLY idx_lots_sku ON lots (sku);",
    good=(
        "-- agent:no-transaction\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY "
        "idx_lots_sku ON lots (sku);"
    ),
)
