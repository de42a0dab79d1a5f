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

from agent.lint.catalog import Catalog
from agent.lint.engine import Report, lint_sequence
from agent.lint.model import Severity
from agent.lint.registry import Registry, UnknownRuleError
from agent.lint.target import NEWEST_PG_VERSION, SMALL_TABLE_ROWS, Target, TargetError
from agent.lint.tools import Tool, UnknownToolError, detect, in_run_order, tool_named, tool_sources

__all__ = ["LintInputError", "excluded", "lint_project", "project_files", "rules_for", "target_for"]


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
    return [p for p in found if not excluded(p, exclude)]


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """Whether a glob of `patterns` matches the path or its base name."""
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in patterns)


def rules_for(enable: Sequence[str] = (), disable: Sequence[str] = (),
              severity: Mapping[str, str] | None = None) -> Registry:
    """The default rules plus `enable` minus `disable`, with `severity`'s levels (a rule's
    code or name to "error" or "warning")."""
    from agent.lint.rules import RULES

    try:
        chosen = RULES.selected(enable, disable)
        return chosen.with_severities({k: _severity(v) for k, v in (severity or {}).items()})
    except UnknownRuleError as error:
        raise LintInputError(str(error)) from None


def _tool(name: str | None, texts: Sequence[tuple[str, str]], named_by: str) -> tuple[Tool, str]:
    if name is not None:
        try:
            return tool_named(name), named_by
        except UnknownToolError as error:
            raise LintInputError(str(error)) from None
    return detect([path for path, _ in texts], texts[0][1] if texts else ""), "detected"


def _severity(level: str) -> Severity:
    try:
        return Severity(level.strip().lower())
    except ValueError:
        raise LintInputError(f"no severity is called {level!r} (known: error, warning)") from None


def target_for(
    pg_version: int = NEWEST_PG_VERSION, small_tables: Sequence[str] = (),
    small_table_rows: int = SMALL_TABLE_ROWS, database_url: str | None = None,
) -> Target:
    """The run's target database: its version, the tables given as small, and with
    `database_url` every table's estimated rows (SizesUnavailableError when unreachable)."""
    from agent.lint.sizes import read_table_rows

    rows = read_table_rows(database_url) if database_url else None
    try:
        return Target.checked(pg_version, rows, small_tables, small_table_rows)
    except TargetError as error:
        raise LintInputError(str(error)) from None


def lint_project(
    paths: Sequence[str],
    *,
    tool: str | None = None,
    enable: Sequence[str] = (),
    disable: Sequence[str] = (),
    severity: Mapping[str, str] | None = None,
    exclude: Sequence[str] = (),
    pg_version: int = NEWEST_PG_VERSION,
    small_tables: Sequence[str] = (),
    small_table_rows: int = SMALL_TABLE_ROWS,
    database_url: str | None = None,
) -> Report:
    """Lint migration files and folders as `migration-agent lint` does, in one process.

    `tool`: the migration tool's name (None: detected from the files); `enable`/`disable`:
    rule codes or names; `severity`: a rule code (or name) to "error" or "warning";
    `exclude`: globs of files to leave out; `pg_version`: the oldest PostgreSQL the
    migrations must run on; `small_tables` (names) and, with `database_url`, the tables
    whose estimated rows are below `small_table_rows`: their lock and rewrite findings are
    warnings that say the size.
    """
    target = target_for(pg_version, small_tables, small_table_rows, database_url)
    texts = [(p, Path(p).read_text(encoding="utf-8")) for p in project_files(paths, exclude)]
    return lint_texts(texts, tool, rules_for(enable, disable, severity), target)


def lint_texts(texts: Sequence[tuple[str, str]], tool: str | None, rules: Registry, target: Target,
               named_by: str = "--tool") -> Report:
    """Files given by (path, text), as their migration tool runs them (`tool`, else detected;
    the report says which, and `named_by` how a named one was chosen)."""
    chosen, chosen_by = _tool(tool, texts, named_by)
    by_path = dict(texts)
    kept = in_run_order(chosen, [path for path, _ in texts if chosen.lints(path)])
    sources = tool_sources(chosen, [(path, by_path[path]) for path in kept])
    report = lint_sequence(sources, rules, Catalog(target=target))
    return replace(report, tool=chosen.name, tool_by=chosen_by)
