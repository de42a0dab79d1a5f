"""What the reviewer's report shows, as one pydantic model: the input of `agent.report.html`.

The verification itself is `agent.verify.report.VerificationReport`, carried whole; this model
adds what a reviewer needs around it: the migration files with their markers and lint
findings, the schemas before and after, the lock trace, and the change in words.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agent.schema.tables import Column, Schema, Table
from agent.verify.report import VerificationReport

__all__ = ["LintNote", "LockNote", "ReportKind", "ReportMigration", "ReviewReport", "SqlFile", "TracedStatement"]

ReportKind = Literal["generate", "diff", "verify"]


class LintNote(BaseModel):
    code: str
    name: str
    severity: str
    message: str
    line: int
    column: int
    why: str = ""
    instead: str = ""


class SqlFile(BaseModel):
    name: str
    sql: str
    lint: list[LintNote] = Field(default_factory=list)


class ReportMigration(BaseModel):
    name: str
    """The stem: `20251205103000_create_lots`."""
    title: str
    phase: str | None = None
    deploy: str | None = None
    """`before-app` or `after-app`: when it runs relative to the application's deploy."""
    transactional: bool = True
    destructive_down: bool = False
    up: SqlFile
    down: SqlFile


class LockNote(BaseModel):
    relation: str
    kind: str
    mode: str
    blocks: list[str] = Field(default_factory=list)


class TracedStatement(BaseModel):
    file: str
    line: int
    sql: str
    locks: list[LockNote] = Field(default_factory=list)
    rewritten: list[str] = Field(default_factory=list)
    transactional: bool = True
    duration_ms: float = 0.0
    skipped: str | None = None
    error: str | None = None


class ReviewReport(BaseModel):
    kind: ReportKind
    project: str = ""
    migrations: list[ReportMigration] = Field(default_factory=list)
    before: Schema | None = None
    """The schema the migrations start from; None when unknown."""
    after: Schema | None = None
    breaking: list[str] = Field(default_factory=list)
    rollback: str = ""
    warnings: list[str] = Field(default_factory=list)
    verification: VerificationReport | None = None
    lock_trace: list[TracedStatement] = Field(default_factory=list)
    trace_error: str | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    """Work besides the verification's steps (lint, lock trace), by name."""

    @property
    def verdict(self) -> Literal["passed", "failed", "not verified"]:
        if self.verification is None:
            return "not verified"
        return "passed" if self.verification.passed else "failed"

    @property
    def created(self) -> list[str]:
        return sorted(t.name for t in self._after_tables() if self._before_table(t.name) is None)

    @property
    def dropped(self) -> list[str]:
        after = {t.name for t in self._after_tables()}
        return sorted(t.name for t in (self.before.tables if self.before else ()) if t.name not in after)

    @property
    def changed(self) -> list[str]:
        return sorted(t.name for t in self._after_tables()
                      if (old := self._before_table(t.name)) is not None and _built(old) != _built(t))

    @property
    def changed_columns(self) -> list[tuple[str, str]]:
        """(table, column) added or altered in a table that was there before."""
        found = []
        for table in self._after_tables():
            old = self._before_table(table.name)
            found += [(table.name, c.name) for c in table.columns if old is not None and (
                c.name not in old.column_names or _column(old.column(c.name)) != _column(c))]
        return found

    @property
    def removed_columns(self) -> list[tuple[str, str]]:
        """(table, column) of the before schema that the table after no longer has."""
        after = {t.name: t for t in self._after_tables()}
        return [(t.name, c.name) for t in (self.before.tables if self.before else ()) if t.name in after
                for c in t.columns if c.name not in after[t.name].column_names]

    @property
    def lint_notes(self) -> list[LintNote]:
        return [n for m in self.migrations for f in (m.up, m.down) for n in f.lint]

    def _after_tables(self) -> tuple[Table, ...]:
        return self.after.tables if self.after else ()

    def _before_table(self, name: str) -> Table | None:
        return self.before.table(name) if self.before else None


def _column(column: Column) -> dict[str, object]:
    """A column as the database holds it: how it got there (renamed_from, backfill) is no difference."""
    return column.model_dump(exclude={"renamed_from", "backfill"})


def _built(table: Table) -> dict[str, object]:
    """What the database holds of a table: where its YAML was read from is no change."""
    return table.model_dump(exclude={"source_file"})
