"""MA000: a file PostgreSQL would reject; reported by the engine, the run goes on."""

from __future__ import annotations

from agent.lint.model import Rule, Severity

__all__ = ["RULE"]

RULE = Rule(
    code="MA000",
    name="syntax-error",
    severity=Severity.ERROR,
    message="{reason}",
    why=(
        "PostgreSQL rejects the file, so the migration fails when it runs, and nothing in it "
        "can be checked: the linter reports it and goes on with the other files, which are "
        "linted as if it were absent. The run exits 2 whatever `--fail-on` or `--disable` say."
    ),
    instead=(
        "Fix the SQL at the position given. A tool that splits files itself (goose "
        "`StatementBegin`/`StatementEnd`) may need `--tool` to be linted as it runs them."
    ),
    bad="CREATE TABEL lots (lot_id bigint PRIMARY KEY);",
    good="CREATE TABLE lots (lot_id bigint PRIMARY KEY);",
)
