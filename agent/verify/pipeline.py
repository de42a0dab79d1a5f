"""The verification pipeline: every migration proven on a throwaway database.

1. apply `up` (timed) and compare the catalog with the schema;
2. `down` restores the exact "before", `up` again gives the exact "after";
3-7. sample data, tenant isolation, constraints, delete behaviour, index use
     (one module each in `agent.verify.steps`);
8. cost: the time of `up`, per million rows where existing rows were touched.
A step whose prerequisite failed is skipped with the reason; the report holds all.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from agent.catalog import Catalog, read_catalog, table_fingerprints
from agent.migrate.runner import sets_row_security_off
from agent.schema.tables import Schema
from agent.verify.apply import (
    SESSION_ENDED_CAUSE,
    ApplyError,
    MigrationText,
    apply_sql,
    columns_by_name,
    session_ended,
    without_backups,
)
from agent.verify.context import VerifyContext
from agent.verify.report import Finding, StepReport, VerificationReport
from agent.verify.schema_compare import compare_schema, tables_given_columns
from agent.verify.scratch import ScratchLimits, ScratchProvider, UnsafeRoleError

__all__ = ["DATA_STEPS", "Progress", "run_pipeline"]

Progress = Callable[[str], None]
DATA_STEPS = (
    ("sample_data", "Sample data"),
    ("rls", "Tenant isolation (RLS)"),
    ("constraints", "Constraints"),
    ("delete_behaviour", "Delete behaviour"),
    ("index_use", "Index use"),
)


async def _apply_all(connection: asyncpg.Connection, files: Sequence[tuple[str, str]]) -> tuple[float, str | None]:
    total = 0.0
    for name, sql in files:
        try:
            total += await apply_sql(connection, name, sql)
        except ApplyError as error:
            return total, str(error)
    return total, None


async def _timed(connection: asyncpg.Connection, name: str, title: str,
                 run: Callable[[], Awaitable[list[Finding]]]) -> StepReport:
    started = time.perf_counter()
    try:
        findings = await run()
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
        message = f"the step stopped: {error}"
        if session_ended(connection, error):
            message = f"the database session ended during this step ({error}): {SESSION_ENDED_CAUSE}"
        findings = [Finding(check=name, passed=False, message=message)]
    return StepReport(name=name, title=title, duration_ms=(time.perf_counter() - started) * 1000,
                      findings=findings)


class _Run:
    def __init__(self, connection: asyncpg.Connection, schema: Schema | None, progress: Progress) -> None:
        self.column_order = True
        self.connection = connection
        self.schema = schema
        self.progress = progress
        self.report = VerificationReport()

    def add(self, step: StepReport) -> StepReport:
        self.report.steps.append(step)
        self.progress(f"{step.title}: {'ok' if step.passed else step.skipped or 'FAILED'}")
        return step

    def skip(self, name: str, title: str, reason: str) -> None:
        self.add(StepReport(name=name, title=title, skipped=reason))

    async def apply(self, migrations: Sequence[MigrationText]) -> tuple[Catalog, Catalog] | None:
        before = await read_catalog(self.connection)
        elapsed, error = await _apply_all(self.connection, [(m.name, m.up_sql) for m in migrations])
        self.report.figures["up_ms"] = round(elapsed, 1)
        findings = [Finding(check="apply-up", passed=error is None,
                            message=error or f"{len(migrations)} file(s) applied in {elapsed:.0f} ms")]
        if self.connection.is_closed():
            self.add(StepReport(name="apply", title="Apply up and compare with the schema", findings=findings))
            return None
        after = await read_catalog(self.connection)
        self.report.fingerprints = table_fingerprints(without_backups(after))
        if error is None and self.schema is not None:
            later = set().union(*(tables_given_columns(m.up_sql) for m in migrations))
            findings += compare_schema(self.schema, after, column_order=self.column_order, columns_added_later=later)
        step = self.add(StepReport(name="apply", title="Apply up and compare with the schema",
                                   duration_ms=elapsed, findings=findings))
        return (before, after) if error is None and step.passed else None

    async def round_trip(self, migrations: Sequence[MigrationText], before: Catalog, after: Catalog) -> bool:
        """Down, up, and once that holds, down and up again: a second rollback meets what the
        first one left behind (its backups, under the same names)."""
        started = time.perf_counter()
        findings = await self._down_and_up(migrations, before, after, "")
        if all(f.passed for f in findings):
            findings += await self._down_and_up(migrations, before, after, " (rolled back a second time)")
        step = self.add(StepReport(name="round_trip", title="Down restores before, up again gives after",
                                   duration_ms=(time.perf_counter() - started) * 1000, findings=findings))
        return step.passed

    async def _down_and_up(self, migrations: Sequence[MigrationText], before: Catalog, after: Catalog,
                           again: str) -> list[Finding]:
        downs = [(f"{m.name} (down)", m.down_sql) for m in reversed(migrations)]
        ups = [(m.name, m.up_sql) for m in migrations]
        findings: list[Finding] = []
        for files, expected, what in ((downs, before, f"before up{again}"), (ups, after, "after the first up")):
            _, error = await _apply_all(self.connection, files)
            if error:
                return [*findings, Finding(check="round-trip", passed=False, message=f"{error}{again}")]
            actual = await read_catalog(self.connection)
            if not self.column_order:
                expected, actual = columns_by_name(expected), columns_by_name(actual)
            findings += _catalog_equal(expected, actual, what)
        return findings


def _catalog_equal(expected: Catalog, actual: Catalog, what: str) -> list[Finding]:
    from agent.catalog import compare

    differences = compare(without_backups(expected), without_backups(actual), labels=(what, "the database now"))
    if not differences:
        return [Finding(check="round-trip", passed=True, message=f"catalog equals the one {what}")]
    return [Finding(check="round-trip", passed=False, table=d.path.split(" / ")[0].removeprefix("table "),
                    message=d.message) for d in differences]


async def _data_steps(run: _Run, url: str, rows_per_table: int) -> None:
    assert run.schema is not None
    context = VerifyContext(run.connection, url, run.schema, await read_catalog(run.connection),
                            rows_per_table=rows_per_table)
    for name, title in DATA_STEPS:
        module = importlib.import_module(f"agent.verify.steps.{name}")
        step = run.add(await _timed(run.connection, name, title, lambda m=module: m.run(context)))  # type: ignore[misc]
        reason = ("the database session ended" if run.connection.is_closed() else
                  "sample data could not be loaded" if name == "sample_data" and not step.passed else None)
        if reason:
            for later, later_title in DATA_STEPS[DATA_STEPS.index((name, title)) + 1:]:
                run.skip(later, later_title, reason)
            break
    run.report.figures.update(context.figures)


async def run_pipeline(
    server_url: str,
    migrations: Sequence[MigrationText],
    *,
    schema: Schema | None = None,
    baseline: Sequence[MigrationText] = (),
    rows_per_table: int = 10_000,
    progress: Progress = lambda _message: None,
    limits: ScratchLimits | None = None,
) -> VerificationReport:
    """Prove `migrations` on a scratch database that already holds `baseline`, logged in as the
    database's own unprivileged owner (see `agent.verify.scratch`); `limits` default to the
    configured ones (SCRATCH_STATEMENT_TIMEOUT)."""
    provider = ScratchProvider(server_url, limits)
    if schema is not None:
        try:
            await provider.ensure_role(schema.app_role)
        except UnsafeRoleError as error:
            return _refused(str(error))
    files = [*baseline, *migrations]
    bypass = any(sets_row_security_off(sql) for m in files for sql in (m.up_sql, m.down_sql))
    async with provider.database(bypass_rls=bypass) as url:
        connection = await provider.connect(url)
        run = _Run(connection, schema, progress)
        try:
            run.report.migrations = [m.name for m in migrations]
            run.report.postgres_version = str(await connection.fetchval("SHOW server_version"))
            await _prove(run, url, baseline, migrations, rows_per_table)
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            if not session_ended(connection, error):
                raise
            run.add(StepReport(name="session", title="The verification's database session", findings=[Finding(
                check="session", passed=False,
                message=f"the session ended before verification finished ({error}): {SESSION_ENDED_CAUSE}")]))
        finally:
            await connection.close()
        return run.report


def _refused(reason: str) -> VerificationReport:
    report = VerificationReport()
    report.steps.append(StepReport(name="roles", title="Roles for the scratch database",
                                   findings=[Finding(check="roles", passed=False, message=reason)]))
    return report


async def _prove(run: _Run, url: str, baseline: Sequence[MigrationText],
                 migrations: Sequence[MigrationText], rows_per_table: int) -> None:
    run.column_order = not baseline
    _, error = await _apply_all(run.connection, [(m.name, m.up_sql) for m in baseline])
    if error:
        run.add(StepReport(name="baseline", title="Apply the earlier migrations",
                           findings=[Finding(check="baseline", passed=False, message=error)]))
        return
    catalogs = await run.apply(migrations)
    if catalogs is None:
        run.skip("round_trip", "Down restores before, up again gives after", "apply failed")
        return
    if not await run.round_trip(migrations, *catalogs):
        return
    if run.schema is None:
        for name, title in DATA_STEPS:
            run.skip(name, title, "no schema given (--schemas) to derive data and checks from")
        return
    await _data_steps(run, url, rows_per_table)
