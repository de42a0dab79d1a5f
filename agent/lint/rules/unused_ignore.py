"""MA002: an ignore that suppressed nothing."""

from __future__ import annotations

from agent.lint.model import Rule, Severity

__all__ = ["RULE"]

RULE = Rule(
    code="MA002",
    name="unused-ignore",
    severity=Severity.WARNING,
    message="`-- agent:ignore {code}` {problem}",
    why=(
        "Stale suppressions hide the next real finding on the same statement and suggest a "
        "danger that is no longer there."
    ),
    instead="Delete the ignore, or move it directly above the statement it is meant for.",
    bad="-- agent:ignore MA101 small table\nCREATE INDEX CONCURRENTLY idx_lots_sku ON lots (sku);",
    good=(
        "-- agent:ignore MA101,MA401 small table\n"
        "CREATE INDEX idx_lots_sku ON lots (sku);"
    ),
)
