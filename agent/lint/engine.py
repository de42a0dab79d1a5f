"""Run the rules over every statement of a file, then apply the inline ignores.

Each statement goes only to the rules whose `node_types` include its node class (or that
declared none), and an ALTER TABLE only to those whose `alter_kinds` include one of its
subcommands' kinds (or that declared none); the registry keeps that dispatch table per
node class and set of kinds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pglast import ast

from agent.lint.catalog import Catalog
from agent.lint.context import is_down, new_context
from agent.lint.model import Finding, Severity
from agent.lint.nodes import command_kinds
from agent.lint.registry import Registry
from agent.lint.source import SourceFile, SqlSyntaxError, parse_source_or_error
from agent.lint.suppress import apply_ignores, marker_findings, read_ignores
from agent.lint.target import Target

__all__ = [
    "FileReport", "Report", "Summary", "default_rules", "lint_parsed", "lint_sequence",
    "lint_source",
]


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file's findings. `statements` counts its statements: `source` holds them too,
    except in a report made by another process (`agent.lint.parallel`), whose `source`
    keeps only the text."""

    path: str
    source: SourceFile = field(repr=False)
    findings: tuple[Finding, ...]
    suppressed: tuple[tuple[Finding, str], ...] = ()
    statements: int = 0

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"path": self.path}
        if self.source.section is not None:
            found["section"] = self.source.section
        return {
            **found,
            "statements": self.statements,
            "findings": [f.to_json() for f in self.findings],
            "suppressed": [{**f.to_json(), "reason": r} for f, r in self.suppressed],
        }


@dataclass(frozen=True, slots=True)
class Summary:
    """A report's counts: what the output's summary says and what decides the exit code."""

    files: int = 0
    errors: int = 0
    warnings: int = 0
    suppressed: int = 0
    unparsed: int = 0  # files that do not parse (MA000): the run exits 2
    tool: str = ""  # the migration tool assumed ('' when none was asked about)
    tool_by: str = ""  # how it was chosen: "--tool" or "detected"

    def __add__(self, other: Summary) -> Summary:
        return Summary(self.files + other.files, self.errors + other.errors,
                       self.warnings + other.warnings, self.suppressed + other.suppressed,
                       self.unparsed + other.unparsed, self.tool or other.tool,
                       self.tool_by or other.tool_by)

    def fails(self, fail_on: Severity) -> bool:
        """`Report.fails`: whether a finding is at `fail_on` or above."""
        return bool(self.errors or (fail_on is Severity.WARNING and self.warnings))


@dataclass(frozen=True, slots=True)
class Report:
    files: tuple[FileReport, ...]
    tool: str = ""
    tool_by: str = ""

    def summary(self) -> Summary:
        from agent.lint.rules import SYNTAX_ERROR  # by its finding: a worker's report has no tree

        return Summary(
            sum(1 for f in self.files if f.source.section != "down"),  # a file's down section is no file
            self.count(Severity.ERROR), self.count(Severity.WARNING),
            sum(len(f.suppressed) for f in self.files),
            sum(1 for f in self.findings if f.code == SYNTAX_ERROR.code),
            self.tool, self.tool_by,
        )

    @property
    def findings(self) -> list[Finding]:
        return [f for file in self.files for f in file.findings]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def fails(self, fail_on: Severity) -> bool:
        return any(f.severity.rank >= fail_on.rank for f in self.findings)


_DEFAULT: list[Registry] = []


def default_rules() -> Registry:
    """The rules that run when none are chosen: those enabled by default."""
    if not _DEFAULT:
        from agent.lint.rules import RULES

        _DEFAULT.append(RULES.selected())
    return _DEFAULT[0]


def _ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (f.offset, f.code)))


def _syntax_finding(source: SourceFile, error: SqlSyntaxError) -> Finding:
    """MA000 at the error's position: reported whatever rules were chosen, as the file
    could not be checked at all."""
    from agent.lint.rules import SYNTAX_ERROR as rule

    offset = source.line_starts[error.line - 1] + error.column - 1
    return Finding(rule.code, rule.name, rule.severity, rule.message.format(reason=error.reason),
                   source.path, error.line, error.column, offset, rule.why, rule.instead)


def lint_parsed(
    source: SourceFile, rules: Registry | None = None, earlier_files: Catalog | None = None
) -> FileReport:
    """Lint a parsed file with `rules` (default: the rules enabled by default).

    `earlier_files` holds what forward migrations linted before this one left behind.
    """
    if source.syntax_error is not None:
        return FileReport(source.path, source, (_syntax_finding(source, source.syntax_error),))
    rules = rules if rules is not None else default_rules()
    context = new_context(source, earlier_files, rules.levels)
    raw: list[Finding] = []
    checks_for = rules.checks_for
    for statement in source.statements:
        context.enter(statement)
        node = statement.node
        kinds = command_kinds(node) if type(node) is ast.AlterTableStmt else None
        for check in checks_for(type(node), kinds):
            raw.extend(check(statement, context))
        context.advance(statement)
    ignores = read_ignores(source)
    kept, suppressed = apply_ignores(raw, ignores)
    kept.extend(marker_findings(ignores, rules, context))
    return FileReport(source.path, source, _ordered(kept), tuple(suppressed),
                      len(source.statements))


def lint_source(path: str, text: str, rules: Registry | None = None, target: Target | None = None) -> FileReport:
    """Lint one migration's text (invalid SQL is its one finding, MA000), for `target`'s
    database (default: the newest PostgreSQL, sizes unknown)."""
    catalog = Catalog(target=target) if target is not None else None
    return lint_parsed(parse_source_or_error(path, text), rules, catalog)


def lint_sequence(
    sources: Iterable[SourceFile], rules: Registry | None = None, catalog: Catalog | None = None
) -> Report:
    """Lint files in order, each seeing the indexes the forward files before it built
    (and those already in `catalog`, which is updated)."""
    catalog = catalog if catalog is not None else Catalog()
    reports = []
    for source in sources:
        report = lint_parsed(source, rules, catalog)
        if not is_down(source):
            catalog.fold(source)
        reports.append(report)
    return Report(tuple(reports))
