"""The parts of a review report that need work besides the verification: each migration's
markers and lint findings, the lock trace on a scratch database, and the rollback in words."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from agent.lint.engine import lint_sequence
from agent.lint.model import Finding as LintFinding
from agent.lint.tools import in_run_order, tool_named, tool_sources
from agent.lint.trace import FileTrace, StatementTrace, TraceError, trace_in_database
from agent.migrate.discovery import read_markers
from agent.migrate.runner import sets_row_security_off
from agent.report.model import (
    LintNote,
    LockNote,
    ReportKind,
    ReportMigration,
    ReviewReport,
    SqlFile,
    TracedStatement,
)
from agent.schema.tables import Schema
from agent.verify.apply import MigrationText
from agent.verify.report import VerificationReport
from agent.verify.scratch import ScratchError, ScratchProvider, UnsafeRoleError

__all__ = ["build_review", "file_names", "report_migrations", "rollback_text", "trace_migrations", "write_report"]

_TOOL = tool_named("ours")
_TITLE = "-- Migration: "


def file_names(migration: MigrationText) -> tuple[str, str]:
    """The up and down file names of a pair (its name is the stem or the up file's name)."""
    stem = migration.name.removesuffix(".sql")
    return f"{stem}.sql", f"{stem}_down.sql"


def _pairs(migrations: Sequence[MigrationText]) -> list[tuple[str, str]]:
    files = []
    for migration in migrations:
        up, down = file_names(migration)
        files += [(up, migration.up_sql)] + ([(down, migration.down_sql)] if migration.down_sql else [])
    return files


def _lint(baseline: Sequence[MigrationText], new: Sequence[MigrationText]) -> dict[str, list[LintNote]]:
    """Findings by file name; the baseline is linted too, so later files know what it built."""
    texts = dict(_pairs([*baseline, *new]))
    report = lint_sequence(tool_sources(_TOOL, [(n, texts[n]) for n in in_run_order(_TOOL, list(texts))]))
    found: dict[str, list[LintNote]] = {}
    for finding in report.findings:
        found.setdefault(finding.path, []).append(_note(finding))
    return found


def _note(finding: LintFinding) -> LintNote:
    return LintNote(code=finding.code, name=finding.name, severity=finding.severity.value, message=finding.message,
                    line=finding.line, column=finding.column, why=finding.why, instead=finding.instead)


def _title(sql: str, fallback: str) -> str:
    line = next((line for line in sql.splitlines()[:5] if line.startswith(_TITLE)), "")
    return line.removeprefix(_TITLE).strip() or fallback


def report_migrations(new: Sequence[MigrationText],
                      baseline: Sequence[MigrationText] = ()) -> tuple[list[ReportMigration], float]:
    """Each new migration with its markers and lint findings, and the milliseconds lint took."""
    started = time.perf_counter()
    notes = _lint(baseline, new)
    migrations = []
    for migration in new:
        up, down = file_names(migration)
        markers = read_markers(migration.up_sql)
        migrations.append(ReportMigration(
            name=up.removesuffix(".sql"), title=_title(migration.up_sql, up), phase=markers.phase,
            deploy=markers.deploy, transactional=not markers.no_transaction,
            destructive_down=read_markers(migration.down_sql).destructive,
            up=SqlFile(name=up, sql=migration.up_sql, lint=notes.get(up, [])),
            down=SqlFile(name=down, sql=migration.down_sql, lint=notes.get(down, []))))
    return migrations, (time.perf_counter() - started) * 1000


def rollback_text(downs: Sequence[tuple[str, bool]]) -> str:
    """How to roll back migrations given as (down file, destructive) in the order they apply."""
    if not downs:
        return ""
    names = ", ".join(f"`{name}`" for name, _ in reversed(downs))
    text = f"`migration-agent migrate down --steps {len(downs)}` runs {names} in that order."
    destructive = [name for name, marked in downs if marked]
    if destructive:
        text += f" Marked destructive (needs --confirm; data restored from _backup_ tables): {', '.join(destructive)}."
    return text


async def trace_migrations(server_url: str, new: Sequence[MigrationText], baseline: Sequence[MigrationText] = (),
                           app_role: str | None = None) -> tuple[list[TracedStatement], str | None, float]:
    """The lock trace of the new files (ups, then downs in reverse) on a scratch database the
    baseline's ups built first, logged in as its unprivileged owner as verification is (the
    files may come from a job); the error when it could not run; the milliseconds it took."""
    started = time.perf_counter()
    wanted = {name for name, _ in _pairs(new)}
    files = [(file_names(m)[0], m.up_sql) for m in baseline] + _pairs(new)
    provider = ScratchProvider(server_url)
    try:
        if app_role:
            await provider.ensure_role(app_role)
        async with provider.database(bypass_rls=any(sets_row_security_off(sql) for _, sql in files)) as url:
            traces = await trace_in_database(url, tool_sources(_TOOL, files))
    except (TraceError, ScratchError, UnsafeRoleError) as error:
        return [], str(error), (time.perf_counter() - started) * 1000
    statements = [_traced(t, s) for t in traces if t.path in wanted for s in t.statements]
    return statements, None, (time.perf_counter() - started) * 1000


def _traced(trace: FileTrace, statement: StatementTrace) -> TracedStatement:
    return TracedStatement(
        file=trace.path, line=statement.line, sql=statement.sql, rewritten=list(statement.rewritten),
        locks=[LockNote(relation=lock.relation, kind=lock.kind, mode=lock.mode.label, blocks=lock.blocks)
               for lock in statement.locks],
        transactional=statement.transactional, duration_ms=statement.duration_ms, skipped=statement.skipped,
        error=statement.error)


def write_report(path: Path, html: str) -> None:
    """Written whole or not at all: a reader never sees half a page."""
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(html, encoding="utf-8")
    staging.replace(path)


async def build_review(server_url: str, kind: ReportKind, new: Sequence[MigrationText], *,
                       baseline: Sequence[MigrationText] = (), before: Schema | None = None,
                       after: Schema | None = None, verification: VerificationReport | None = None,
                       breaking: Sequence[str] = (), warnings: Sequence[str] = ()) -> ReviewReport:
    """The whole report of `new` proven on top of `baseline`, with the lock trace run on `server_url`."""
    migrations, lint_ms = report_migrations(new, baseline)
    trace, trace_error, trace_ms = await trace_migrations(server_url, new, baseline, after.app_role if after else None)
    return ReviewReport(
        kind=kind, project=after.project_name if after else "", migrations=migrations, before=before, after=after,
        breaking=list(breaking), warnings=list(warnings), verification=verification, lock_trace=trace,
        trace_error=trace_error, timings_ms={"Lint": round(lint_ms, 1), "Lock trace": round(trace_ms, 1)},
        rollback=rollback_text([(m.down.name, m.destructive_down) for m in migrations]))
