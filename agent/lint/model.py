"""The linter's data: severities, findings and the shape of a rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pglast.enums import AlterTableType

if TYPE_CHECKING:
    from agent.lint.context import Context
    from agent.lint.source import Statement

__all__ = ["Check", "Finding", "Rule", "Severity"]

DOCS_DIR = "docs/rules"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnostic: which rule, where exactly, what happens, and what to do instead."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int
    column: int
    offset: int
    why: str
    instead: str
    statement: int | None = None
    fix: str | None = None

    @property
    def doc(self) -> str:
        return f"{DOCS_DIR}/{self.code}-{self.name}.md"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "offset": self.offset,
            "statement": self.statement,
            "why": self.why,
            "instead": self.instead,
            "fix": self.fix,
            "doc": self.doc,
        }


Check = Callable[["Statement", "Context"], Iterable[Finding]]


def _no_check(statement: Statement, context: Context) -> Iterable[Finding]:
    return ()


@dataclass(frozen=True, slots=True)
class Rule:
    """A check with a stable code; `bad` and `good` are SQL examples that the tests run.

    `message` is a template formatted with the keyword arguments given to `at()`.
    `enabled_by_default` False keeps the rule out of a plain run (`--enable CODE` turns it
    on). `node_types` names the statement node classes `check` can report on; the engine
    only calls `check` for those (empty: every statement). `alter_kinds` narrows that for
    ALTER TABLE: the subcommand kinds (ADD COLUMN, DROP COLUMN...) without one of which
    `check` finds nothing in an ALTER TABLE statement (empty: any).
    """

    code: str
    name: str
    severity: Severity
    message: str
    why: str
    instead: str
    bad: str
    good: str
    check: Check = field(default=_no_check, compare=False, repr=False)
    enabled_by_default: bool = True
    node_types: tuple[type, ...] = field(default=(), compare=False, repr=False)
    alter_kinds: frozenset[AlterTableType] = field(default=frozenset(), compare=False, repr=False)
    # a lock or rewrite hazard whose cost grows with the table: on a table the run's target
    # says is small (`agent.lint.target`), its finding is a warning that says the size
    lowered_on_small_tables: bool = False

    @property
    def checks_statements(self) -> bool:
        """False for the marker rules, which the engine reports itself."""
        return self.check is not _no_check

    def at(
        self,
        context: Context,
        offset: int,
        *,
        fix: str | None = None,
        **values: object,
    ) -> Finding:
        """A finding of this rule at a character offset of the current file."""
        line, column = context.source.position(offset)
        severity, message = context.levels.get(self.code, self.severity), self.message.format(**values)
        table = values.get("table") if self.lowered_on_small_tables else None
        small = context.earlier_files.target.smallness(str(table)) if table else None
        if small is not None:
            severity = Severity.WARNING
            message += f" ({table} {small}, so this is brief)"
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity,
            message=message,
            path=context.source.path,
            line=line,
            column=column,
            offset=offset,
            why=self.why,
            instead=self.instead,
            statement=context.statement_index(offset),
            fix=fix,
        )

    @property
    def doc(self) -> str:
        return f"{DOCS_DIR}/{self.code}-{self.name}.md"
