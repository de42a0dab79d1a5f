"""MA001: an inline ignore must say why."""

from __future__ import annotations

from agent.lint.model import Rule, Severity

__all__ = ["RULE"]

RULE = Rule(
    code="MA001",
    name="ignore-without-reason",
    severity=Severity.ERROR,
    message="`-- agent:ignore {codes}` gives no reason, so it suppresses nothing",
    why=(
        "A suppression is a decision someone will have to revisit. Without the reason, the "
        "next reader cannot tell a considered exception from a silenced warning."
    ),
    instead="Write the reason after the codes: `-- agent:ignore MA101 table holds 40 rows`.",
    bad="-- agent:ignore MA101\nCREATE INDEX idx_lots_sku ON lots (sku);",
    good=(
        "-- agent:ignore MA101,MA401 lots is a 40-row lookup table\n"
        "CREATE INDEX idx_lots_sku ON lots (sku);"
    ),
)
