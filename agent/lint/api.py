"""The lint entry point for callers other than the CLI (the project file, tests, the bench).

    >>> report = lint_project(["tests/lint/tools/goose"])
    >>> report.tool
    'goose'

Every option of the command is a parameter here; errors are exceptions (`LintInputError`),
not exits.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from agent.lint.engine import Report, lint_sequence
from agent.lint.model import Finding, Severity
from agent.lint.registry import Registry, UnknownRuleError
from agent.lint.tools import Tool, UnknownToolError, detect, in_run_order, tool_named, tool_sources

__all__ = ["LintInputError", "lint_project", "project_files", "rules_for"]


class LintInputError(ValueError):
    """A path, rule or tool the caller named that does not exist."""


def project_files(paths: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """Files as given, each folder replaced by its .sql files in path order, less those
    matching an `exclude` glob (matched against the path and against the base name)."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found += sorted(str(p) for p in Path(path).rglob("*.sql") if p.is_file())
        elif os.path.isfile(path):
            found.append(path)
        else:
            raise LintInputError(f"{path}: no such file or folder")
    return [p for p in found if not _excluded(p, exclude)]


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in patterns)


def rules_for(enable: Sequence[str] = (), disable: Sequence[str] = ()) -> Registry:
    from agent.lint.rules import RULES

    try:
        return RULES.selected(enable, disable)
    except UnknownRuleError as error:
        raise LintInputError(str(error)) from None


def _tool(name: str | None, paths: Sequence[str]) -> tuple[Tool, str]:
    if name is not None:
        try:
            return tool_named(name), "--tool"
        except UnknownToolError as error:
            raise LintInputError(str(error)) from None
    first = Path(paths[0]).read_text(encoding="utf-8") if paths else ""
    return detect(paths, first), "detected"


def _code(key: str) -> str:
    from agent.lint.rules import RULES

    try:
        return RULES.resolve(key).code
    except UnknownRuleError as error:
        raise LintInputError(str(error)) from None


def _severity(level: str) -> Severity:
    try:
        return Severity(level.strip().lower())
    except ValueError:
        raise LintInputError(f"no severity is called {level!r} (known: error, warning)") from None


def _with_severity(finding: Finding, severities: Mapping[str, Severity]) -> Finding:
    wanted = severities.get(finding.code)
    return finding if wanted is None or wanted is finding.severity else replace(finding, severity=wanted)


def lint_project(
    paths: Sequence[str],
    *,
    tool: str | None = None,
    enable: Sequence[str] = (),
    disable: Sequence[str] = (),
    severity: Mapping[str, str] | None = None,
    exclude: Sequence[str] = (),
) -> Report:
    """Lint migration files and folders as `migration-agent lint` does, in one process.

    `tool`: the migration tool's name (None: detected from the files); `enable`/`disable`:
    rule codes or names; `severity`: a rule code to "error" or "warning"; `exclude`: globs
    of files to leave out.
    """
    files = project_files(paths, exclude)
    chosen, chosen_by = _tool(tool, files)
    files = in_run_order(chosen, [p for p in files if chosen.lints(p)])
    texts = [(p, Path(p).read_text(encoding="utf-8")) for p in files]
    report = lint_sequence(tool_sources(chosen, texts), rules_for(enable, disable))
    report = replace(report, tool=chosen.name, tool_by=chosen_by)
    if not severity:
        return report
    wanted = {_code(key): _severity(level) for key, level in severity.items()}
    return replace(report, files=tuple(
        replace(f, findings=tuple(_with_severity(x, wanted) for x in f.findings))
        for f in report.files))
