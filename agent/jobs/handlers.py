"""The job handlers of the service: one per kind, over the same functions the CLI commands use.

A handler returns a `JobOutcome`; bad input raises `JobRejected`; a server the job needs
being unreachable raises `Unavailable`, so the message is retried later instead of failed.
Only that is an outage: after a connection or file error the servers are probed with a fresh
connection, and when they answer, the error was the job's own (its SQL ended its session, a
file could not be written) and the job is `failed` with the reason.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import asyncpg

from agent.bus.messages import DETAIL_LIMIT, Job, JobError, JobOutcome, JobRejected
from agent.catalog import read_catalog, table_fingerprints
from agent.codegen import CodegenOptions, render
from agent.codegen.names import CodeNameError
from agent.codegen.seed_data import SeedError
from agent.embedded import EmbeddedError
from agent.jobs.generate import (
    GenerateOutcome,
    existing_migrations,
    generate_migrations,
    new_migrations,
    verify_migrations,
)
from agent.jobs.payload import OLD, has_schema, job_folder, load_schema_or_reject, refuse_sql_objects, reject
from agent.lint.api import LintInputError, lint_texts, rules_for, target_for
from agent.lint.engine import Report
from agent.lint.model import Severity
from agent.lint.source import SqlSyntaxError
from agent.memory.knowledge import compost_warnings, learn_from_verification, record_applied, schema_from_memory
from agent.memory.shared import SharedStore
from agent.memory.store import MemoryStore
from agent.migrate.discovery import LayoutError, MigrationFile, read_folder
from agent.migrate.files import existing_versions
from agent.migrate.runner import Runner, RunnerError, RunSettings
from agent.migrate.snapshot import SNAPSHOT_FILE, SnapshotError, read_snapshot
from agent.plan.diff import BackfillSettings
from agent.plan.errors import PlanError
from agent.report import render_html
from agent.report.build import build_review, rollback_text
from agent.report.model import ReportKind
from agent.safe_text import excerpt, map_strings
from agent.schema import LoadedSchema
from agent.schema.tables import Schema
from agent.verify.apply import MigrationText, without_backups
from agent.verify.pipeline import run_pipeline
from agent.verify.pool import ScratchPool
from agent.verify.report import VerificationReport
from agent.verify.scratch import ScratchError

__all__ = ["HANDLERS", "UNAVAILABLE_ERRORS", "JobContext", "Unavailable", "rejected_outcome", "run_job"]

AGENT = "database-migration"
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError, asyncpg.exceptions.InternalClientError, EmbeddedError, ScratchError,
)

# After one of these the servers are probed: unreachable is an outage, reachable the job's own fault.
_PROBED: tuple[type[Exception], ...] = (*UNAVAILABLE_ERRORS, TimeoutError)


class Unavailable(Exception):
    """A server the job needs (PostgreSQL, the scratch server) is down; retry the job later."""


@dataclass
class JobContext:
    scratch_url: str
    """The scratch server; given several (comma-separated), each job gets the least busy one."""
    memory: SharedStore | None = None
    progress: Callable[[str], None] = field(default=lambda _message: None)
    apply_targets: dict[str, str] = field(default_factory=dict)
    """The databases `apply` jobs may name (AGENT_APPLY_TARGETS)."""
    allow_sql_objects: bool = False
    """Whether a job's schema may carry `sql_objects` (AGENT_ALLOW_SQL_OBJECTS): they are code."""
    scratch_pool: ScratchPool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.scratch_pool = ScratchPool(self.scratch_url)


Handler = Callable[[Job, Path, JobContext], Awaitable[JobOutcome]]


async def run_job(job: Job, context: JobContext) -> JobOutcome:
    with context.scratch_pool.lease() as scratch_url:
        return await _run_job(job, replace(context, scratch_url=scratch_url))


async def _run_job(job: Job, context: JobContext) -> JobOutcome:
    try:
        with job_folder(job) as folder:
            return await HANDLERS[job.kind](job, folder, context)
    except PlanError as error:
        raise reject("plan_refused", str(error)) from None
    except (SnapshotError, SqlSyntaxError) as error:
        raise reject("invalid_input", str(error)) from None
    except _PROBED as error:
        await _probe_servers(job, context, f"{type(error).__name__}: {error}")
        return _own_fault(error)


async def _probe_servers(job: Job, context: JobContext, after: str) -> None:
    """Raise `Unavailable` when a server the job needs does not answer a fresh connection."""
    urls = {"the scratch server": context.scratch_url}
    if context.memory is not None:
        urls["the memory store"] = context.memory.url
    if job.kind == "apply" and job.options.target in context.apply_targets:
        urls[f"target {job.options.target}"] = context.apply_targets[str(job.options.target)]
    for name, url in urls.items():
        try:
            connection = await asyncpg.connect(url, timeout=5)
            await connection.close()
        except (*_PROBED, asyncpg.PostgresError) as error:
            raise Unavailable(f"{name} is unreachable ({type(error).__name__}: {error}) after {after}") from None


def _own_fault(error: BaseException) -> JobOutcome:
    """The servers answer, so the error came from the job itself."""
    if isinstance(error, (asyncpg.InterfaceError, asyncpg.PostgresConnectionError,
                          asyncpg.exceptions.OperatorInterventionError)):
        code, cause = "connection_ended", "the job's own SQL ended its database session"
    else:
        code, cause = "job_error", "the job raised an error of its own"
    message = f"{cause}: {type(error).__name__}: {error} (every server answers, so this is no outage)"
    return JobOutcome.of_error("failed", JobError(code=code, message=message))


# ---------------------------------------------------------------- generate and diff


async def _generate(job: Job, folder: Path, context: JobContext) -> JobOutcome:
    loaded = load_schema_or_reject(folder, allow_sql_objects=context.allow_sql_objects)
    old = read_snapshot(folder)
    refuse_sql_objects(old, context.allow_sql_objects, "snapshot")  # the plan would drop and make them
    outcome = await asyncio.to_thread(generate_migrations, loaded, old, _now(job), existing_versions(folder))
    return await _produced(job, loaded, outcome, existing_migrations(folder), context, old)


async def _diff(job: Job, folder: Path, context: JobContext) -> JobOutcome:
    allow = context.allow_sql_objects
    new = load_schema_or_reject(folder, allow_sql_objects=allow)
    given = has_schema(folder / OLD)
    old = load_schema_or_reject(folder / OLD, f"{OLD}/", allow_sql_objects=allow).schema if given else (
        await _remembered_schema(context))
    created = generate_migrations(LoadedSchema(old), Schema(), dt.datetime(2000, 1, 1, tzinfo=dt.UTC), [])
    options = job.options
    outcome = await asyncio.to_thread(
        generate_migrations, new, old, _now(job), existing_versions(folder), allow_changes=True,
        allow_destructive=options.allow_destructive, backfill=BackfillSettings(options.batch_size, options.pause_ms))
    return await _produced(job, new, outcome, new_migrations(created), context, old)


async def _remembered_schema(context: JobContext) -> Schema:
    if context.memory is not None:
        async with context.memory.use() as store:
            found = await schema_from_memory(store, AGENT)
        if found is not None:
            return found
    raise reject("no_old_schema", "a diff needs the old schema: put it under old/ in the payload, or generate it "
                                  "first so the agent remembers it")


async def _produced(job: Job, loaded: LoadedSchema, outcome: GenerateOutcome, baseline: list[MigrationText],
                    context: JobContext, old: Schema) -> JobOutcome:
    warnings = list(outcome.warnings)
    report = page = None
    if job.options.verify and outcome.migrations:
        warnings += await _remember(context, lambda store: compost_warnings(store, AGENT, loaded.schema,
                                                                            outcome.migrations))
        report = _bounded(await verify_migrations(context.scratch_url, loaded.schema, baseline,
                                                  new_migrations(outcome), rows_per_table=job.options.rows,
                                                  progress=context.progress))
        await _check_reachable(report, job, context)
        checked = report
        await _remember(context, lambda store: learn_from_verification(store, AGENT, loaded.schema,
                                                                       outcome.migrations, checked))
        page = await _review_page(job, context, new_migrations(outcome), baseline, old, loaded.schema, report,
                                  outcome.breaking, warnings)
    artifacts = {f.name: f.content for f in outcome.files()}
    if outcome.migrations:
        artifacts[outcome.snapshot_file.name] = outcome.snapshot
    return JobOutcome(
        status="failed" if report is not None and not report.passed else "succeeded",
        summary=_summary(outcome, report), artifacts=artifacts,
        verification=report.to_json_dict() if report else None, breaking=outcome.breaking,
        rollback=_rollback(outcome), warnings=warnings, decisions=_decisions(loaded, outcome),
        error=_verification_error(report), report_html=page)


async def _review_page(job: Job, context: JobContext, new: list[MigrationText], baseline: list[MigrationText],
                       before: Schema, after: Schema | None, report: VerificationReport,
                       breaking: Sequence[str] = (), warnings: Sequence[str] = ()) -> str | None:
    """The reviewer's HTML page of a verified job, unless the job asked for none."""
    if not job.options.report:
        return None
    kind: ReportKind = "verify" if job.kind == "verify" else "diff" if job.kind == "diff" else "generate"
    review = await build_review(context.scratch_url, kind, new, baseline=baseline, before=before, after=after,
                                verification=report, breaking=breaking, warnings=warnings)
    return render_html(review)


async def _remember(context: JobContext, work: Callable[[MemoryStore], Awaitable[list[str] | None]]) -> list[str]:
    """Memory improves a job but never fails one: an unavailable store is a warning."""
    if context.memory is None:
        return []
    try:
        async with context.memory.use() as store:
            return await work(store) or []
    except UNAVAILABLE_ERRORS as error:
        return [f"memory store unavailable, nothing remembered: {error}"]


async def _check_reachable(report: VerificationReport, job: Job, context: JobContext) -> None:
    """A failed verification while the scratch server went away is an outage, not a verdict."""
    if not report.passed:
        await _probe_servers(job, context, "a failed verification")


def _summary(outcome: GenerateOutcome, report: VerificationReport | None) -> str:
    lines = [f"**{len(outcome.migrations)} migration(s)**"
             + (f" creating {', '.join(outcome.tables)}" if outcome.tables else "")]
    lines += [f"- `{m.up_name}`: {m.title}" for m in outcome.migrations]
    if report is not None:
        lines.append(f"\nVerification {'passed' if report.passed else 'FAILED'} on PostgreSQL "
                     f"{report.postgres_version}.")
    if outcome.breaking:
        lines += ["", "Breaking changes:", *(f"- {b}" for b in outcome.breaking)]
    return "\n".join(lines)


def _rollback(outcome: GenerateOutcome) -> str:
    return rollback_text([(m.down_name, m.destructive_down) for m in outcome.migrations])


def _decisions(loaded: LoadedSchema, outcome: GenerateOutcome) -> list[str]:
    schema = loaded.schema
    made = [schema.table(name) for name in outcome.tables]
    decisions = [f"{t.name}: tenant-scoped by {schema.tenant_column}, RLS enabled and forced, "
                 f"{len(t.policies)} polic(ies) reading current_setting(..., true)"
                 for t in made if t is not None and t.tenant_scoped]
    decisions += [f"{t.name}: shared across tenants (no RLS)" for t in made if t is not None and not t.tenant_scoped]
    if outcome.index_count:
        decisions.append(f"{outcome.index_count} index(es), every foreign key covered")
    return decisions


def _bounded(report: VerificationReport) -> VerificationReport:
    """Findings quote what the job's SQL read (a value it could not cast): a short excerpt of it only."""
    def bounded(text: str) -> str:
        return excerpt(text, DETAIL_LIMIT)

    steps = [step.model_copy(update={"findings": [
        finding.model_copy(update={"message": bounded(finding.message),
                                   "details": map_strings(finding.details, bounded)}) for finding in step.findings]})
        for step in report.steps]
    return report.model_copy(update={"steps": steps})


def _verification_error(report: VerificationReport | None) -> JobError | None:
    if report is None or report.passed:
        return None
    failures = [f"{s.title}: {f.table + ': ' if f.table else ''}{f.message}" for s in report.steps for f in s.failures]
    return JobError(code="verification_failed", message=failures[0] if failures else "verification failed",
                    details={"failures": failures[:50]})


def _now(job: Job) -> dt.datetime:
    now = job.options.now or dt.datetime.now(dt.UTC)
    return now if now.tzinfo else now.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------- verify, lint, codegen, apply


async def _verify(job: Job, folder: Path, context: JobContext) -> JobOutcome:
    migrations = existing_migrations(folder)
    if not migrations:
        raise reject("no_migrations", "the payload holds no migration files (YYYYMMDDHHMMSS_name.sql)")
    allow = context.allow_sql_objects
    schema = load_schema_or_reject(folder, allow_sql_objects=allow).schema if has_schema(folder) else (
        read_snapshot(folder) if (folder / SNAPSHOT_FILE).exists() else None)
    report = _bounded(await run_pipeline(context.scratch_url, migrations, schema=schema,
                                         rows_per_table=job.options.rows, progress=context.progress))
    await _check_reachable(report, job, context)
    page = await _review_page(job, context, migrations, [], Schema(), schema, report)
    return JobOutcome(status="succeeded" if report.passed else "failed", summary=report.to_markdown(),
                      verification=report.to_json_dict(), error=_verification_error(report), report_html=page)


def _lint_report(job: Job, texts: list[tuple[str, str]]) -> Report:
    """The report of the files as the tool runs them (options.tool, else detected), with the
    job's rules, severities and target; a file that does not parse is one MA000 finding."""
    options = job.options
    try:
        rules = rules_for(options.enable, options.disable, options.severity)
        target = target_for(options.pg_version, options.small_tables)
        return lint_texts(texts, options.tool, rules, target, named_by="options.tool")
    except LintInputError as error:
        raise reject("invalid_options", str(error)) from None


async def _lint(job: Job, folder: Path, _context: JobContext) -> JobOutcome:
    texts = [(name, text) for name, text in sorted(job.payload.items()) if name.endswith(".sql")]
    if not texts:
        raise reject("no_sql", "the payload holds no .sql files to lint")
    report = await asyncio.to_thread(_lint_report, job, texts)
    findings = [finding.to_json() for finding in report.findings]
    summary = report.summary()
    linted = summary.files
    error = None
    if summary.unparsed:
        error = JobError(code="lint_syntax_error", message=f"{summary.unparsed} file(s) do not parse (MA000)")
    elif report.fails(Severity(job.options.fail_on)):
        error = JobError(code="lint_findings", message=f"{len(findings)} finding(s)")
    return JobOutcome(status="failed" if error else "succeeded", lint=findings, error=error,
                      summary=f"{len(findings)} finding(s) in {linted} file(s), run as {report.tool} runs them "
                              f"({report.tool_by})")


async def _codegen(job: Job, folder: Path, _context: JobContext) -> JobOutcome:
    if not job.options.targets:
        raise reject("no_targets", "options.targets names none of ts, prisma, typeorm, pydantic, seed, docs, zod, "
                                  "sqlalchemy")
    schema = load_schema_or_reject(folder, allow_sql_objects=True).schema  # code generation runs no SQL
    options = CodegenOptions(decimal=job.options.decimal, rows=5, seed=job.options.seed)
    try:
        files = render(schema, list(dict.fromkeys(job.options.targets)), options)
    except SeedError as error:
        raise reject("seed_data", str(error)) from None
    except CodeNameError as error:
        raise reject("code_names", str(error)) from None
    return JobOutcome(artifacts=files, summary=f"{len(files)} file(s) for {', '.join(job.options.targets)}")


async def _apply(job: Job, folder: Path, context: JobContext) -> JobOutcome:
    url = _target_url(job, context)
    try:
        files = read_folder(folder).files
    except LayoutError as error:  # the payload's files, named: in no layout, or in two
        raise reject("migration_layout", str(error).replace(str(folder), "the payload")) from None
    if not files:
        raise reject("no_migrations", "the payload holds no migration files (YYYYMMDDHHMMSS_name.sql)")
    connection = await asyncpg.connect(url, timeout=10)
    try:
        applied = await _run_up(connection, files, job.options.confirm, context)
        fingerprints = table_fingerprints(without_backups(await read_catalog(connection)))
    except RunnerError as error:
        return JobOutcome(status="failed", summary=str(error), error=JobError(code="apply_refused", message=str(error)))
    finally:
        await connection.close()
    schema = read_snapshot(folder) if (folder / SNAPSHOT_FILE).exists() else None
    warnings = await _remember(context, lambda store: record_applied(store, AGENT, schema, str(job.options.target),
                                                                     applied, fingerprints))
    return JobOutcome(summary=f"applied {len(applied)} migration(s)" + "".join(f"\n- `{a}`" for a in applied),
                      rollback=f"`migration-agent migrate down --steps {len(applied)}`" if applied else "",
                      warnings=warnings)


def _target_url(job: Job, context: JobContext) -> str:
    name = job.options.target
    if name is None:
        raise reject("no_target", "an apply job names its database in options.target")
    if name not in context.apply_targets:
        known = ", ".join(sorted(context.apply_targets)) or "none (set AGENT_APPLY_TARGETS)"
        raise reject("unknown_target", f"target {name!r} is not one this agent may apply to; known: {known}")
    return context.apply_targets[name]


async def _run_up(connection: asyncpg.Connection, files: list[MigrationFile], confirm: bool,
                  context: JobContext) -> list[str]:
    runner = Runner(connection, RunSettings(wait_timeout_s=30, confirm=confirm), context.progress)
    await runner.lock()
    try:
        return await runner.up(files)
    finally:
        await runner.unlock()


HANDLERS: dict[str, Handler] = {
    "generate": _generate, "diff": _diff, "verify": _verify, "lint": _lint, "codegen": _codegen, "apply": _apply,
}


def rejected_outcome(error: JobRejected) -> JobOutcome:
    return JobOutcome.of_error("rejected", error.error)
