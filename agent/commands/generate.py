"""`migration-agent generate`: YAML schemas to create migrations (and optionally prove them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import click

from agent.commands.common import (
    current_project,
    err,
    fail,
    json_option,
    now_option,
    out,
    parse_now,
    print_report,
    progress_printer,
    rows_option,
    run_async,
    settings,
)
from agent.commands.diagnostics import folder_problem, plan_error_text, print_diagnostics, shown_folder
from agent.commands.review import HtmlReport, html_option, html_report
from agent.commands.style import WARNING
from agent.embedded import EmbeddedError
from agent.exit_codes import ExitCode
from agent.jobs.generate import (
    GenerateOutcome,
    existing_migrations,
    generate_migrations,
    new_migrations,
    verify_migrations,
)
from agent.memory import MemoryStore, connect_store
from agent.memory.knowledge import compost_warnings, learn_from_verification
from agent.migrate.files import MigrationFileError, existing_versions, write_files
from agent.migrate.runner import RunnerError
from agent.migrate.snapshot import SnapshotError, read_snapshot
from agent.plan.diff import BackfillSettings
from agent.plan.planner import PlanError
from agent.runtime import ScratchBackendError, postgres_url, scratch_postgres_url
from agent.schema import LoadedSchema, SchemaError, load_schema_dir
from agent.verify.apply import MigrationText
from agent.verify.report import VerificationReport
from agent.verify.scratch import ScratchError

AGENT = "database-migration"
__all__ = [
    "Remembering",
    "emit",
    "generate_command",
    "load_or_exit",
    "migrations_dir_option",
    "planning_options",
    "project_migrations_dir",
    "remembered",
]


def load_or_exit(directory: Path) -> LoadedSchema:
    """The schema folder, with the project file's tenant settings; every error printed, then exit 2."""
    problem = folder_problem(directory)
    if problem:
        fail(ExitCode.BAD_INPUT, problem)
    project = current_project()
    try:
        return load_schema_dir(directory, project.schema_defaults() if project else None)
    except SchemaError as error:
        shown = shown_folder(directory)
        count = print_diagnostics(error.diagnostics, shown)
        fail(ExitCode.BAD_INPUT, f"{count} error(s) in {shown}; nothing was written")


migrations_dir_option = click.option(
    "--dir", "migrations_dir", type=click.Path(path_type=Path, file_okay=False),
    help="The migrations folder [default: the project file's migrations_dir, else project.yaml's, else "
         "migrations].")


def planning_options(function: Callable[..., None]) -> Callable[..., None]:
    """How a change is planned, shared by `generate` and `diff`."""
    options = [
        click.option("--allow-destructive", is_flag=True,
                     help="Allow drops, narrowing and enum value removal (rows are copied to _backup_ "
                          "tables first)."),
        click.option("--batch-size", type=click.IntRange(min=1), default=10_000, show_default=True,
                     help="Rows per backfill batch (one commit each)."),
        click.option("--pause-ms", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Pause between backfill batches, to leave the database breathing room."),
        click.option("--dry-run", is_flag=True,
                     help="Print the migrations (SQL, phases) and breaking changes; write nothing."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.command("generate")
@click.argument("schemas_dir", type=click.Path(path_type=Path), default="schemas")
@migrations_dir_option
@now_option
@click.option("--verify", is_flag=True,
              help="Prove the new migrations on a scratch database first: up, down, up again.")
@rows_option
@planning_options
@json_option
@html_option
def generate_command(
    schemas_dir: Path, migrations_dir: Path | None, now: str | None, verify: bool, rows: int,
    allow_destructive: bool, batch_size: int, pause_ms: int, dry_run: bool, as_json: bool, html_file: Path | None,
) -> None:
    """Plan every change of SCHEMAS_DIR (default: the project's schemas folder) since the migrations
    folder's snapshot: new tables, and changes to existing ones in safe phases (expand, backfill,
    concurrent indexes, validate, contract), then write the migrations.

    `diff --from/--from-database` compares any two versions instead."""
    loaded = load_or_exit(schemas_dir)
    target = migrations_dir or Path(project_migrations_dir(schemas_dir))
    try:
        old = read_snapshot(target)
        outcome = generate_migrations(loaded, old, parse_now(now), existing_versions(target),
                                      allow_changes=True, allow_destructive=allow_destructive,
                                      backfill=BackfillSettings(batch_size, pause_ms))
    except PlanError as error:
        fail(ExitCode.BAD_INPUT, plan_error_text(error, schemas_dir))
    except SnapshotError as error:
        fail(ExitCode.BAD_INPUT, str(error))
    emit(target, loaded, outcome, existing_migrations(target) if verify else None, rows, as_json, dry_run,
         review=html_report(html_file, "generate", old, verify))


def emit(target: Path, loaded: LoadedSchema, outcome: GenerateOutcome,
         baseline: list[MigrationText] | None, rows: int, as_json: bool, dry_run: bool = False,
         review: HtmlReport | None = None) -> None:
    """Verify (when a baseline is given), then write the files (or, in a dry run, print them), then
    report; shared with `diff`. A verified run is remembered (see `learn_from_verification`)."""
    report = None
    if baseline is not None:
        memory = Remembering()
        outcome.warnings.extend(memory(lambda store: compost_warnings(store, AGENT, loaded.schema, outcome.migrations)))
        report = _verify(loaded, outcome, baseline, rows)
        checked = report
        outcome.warnings.extend(memory(
            lambda store: learn_from_verification(store, AGENT, loaded.schema, outcome.migrations, checked)))
        if review is not None:
            review.generated(loaded.schema, outcome, baseline, report)
    if report is not None and not report.passed:
        _print(outcome, report, [], as_json)
        fail(ExitCode.FINDINGS, "verification failed; no file was written")
    if dry_run:
        _print(outcome, report, [], as_json, dry_run=True)
        return
    written = _write(target, outcome)
    _print(outcome, report, written, as_json)


Work = Callable[[MemoryStore], Awaitable[list[str] | None]]


@dataclass
class Remembering:
    """One command's uses of the memory store. Memory makes runs better but never blocks one: an
    unavailable store is one warning, and the command's later uses skip it."""

    failure: str | None = None

    def __call__(self, work: Work) -> list[str]:
        """The warnings `work` gives (none when it gives None), or the store's failure once."""
        if self.failure is not None:
            return []
        try:
            return run_async(_with_store(work))
        except (EmbeddedError, OSError, asyncpg.PostgresError, RunnerError) as error:
            self.failure = f"memory store unavailable, nothing remembered: {error}"
            return [self.failure]


async def _with_store(work: Work) -> list[str]:
    with postgres_url(settings()) as url:
        store = await connect_store(url)
        try:
            return await work(store) or []
        finally:
            await store.close()


def remembered(work: Work) -> list[str]:
    """A command's single use of the memory store (see `Remembering`)."""
    return Remembering()(work)


def project_migrations_dir(schemas_dir: Path) -> str:
    from agent.schema.model import ProjectFile
    from agent.schema.yaml_source import read_source_file, read_yaml_bytes

    project_file = schemas_dir / "project.yaml"
    if not project_file.exists():
        return "migrations"
    data = read_yaml_bytes(project_file, read_source_file(project_file)).data or {}
    return ProjectFile.model_validate(data).project.migrations_dir


def _verify(loaded: LoadedSchema, outcome: GenerateOutcome, baseline: list[MigrationText],
            rows: int) -> VerificationReport:
    """The new migrations on top of the baseline; with nothing new, the baseline itself from empty."""
    new = new_migrations(outcome)
    if not new:
        baseline, new = [], baseline
    try:
        with scratch_postgres_url(settings()) as server_url, progress_printer() as progress:
            return run_async(verify_migrations(server_url, loaded.schema, baseline, new,
                                               rows_per_table=rows, progress=progress))
    except (EmbeddedError, ScratchError, ScratchBackendError, OSError) as error:
        fail(ExitCode.INFRASTRUCTURE, f"scratch PostgreSQL unavailable: {error}")


def _write(target: Path, outcome: GenerateOutcome) -> list[Path]:
    if not outcome.migrations:
        return []
    try:
        written = write_files(target, outcome.files())
        snapshot = target / outcome.snapshot_file.name
        staging = snapshot.with_suffix(".tmp")
        staging.write_text(outcome.snapshot, encoding="utf-8")
        staging.replace(snapshot)
    except (MigrationFileError, OSError) as error:
        fail(ExitCode.INFRASTRUCTURE, str(error))
    return written


def _print_sql(outcome: GenerateOutcome) -> None:
    """The dry run's migrations: each up, then its down, under a header with its phase."""
    for migration in outcome.migrations:
        mode = "in one transaction" if migration.transactional else "outside a transaction"
        where = f"phase {migration.phase}, deploy {migration.deploy}, {mode}"
        for name, sql in ((migration.up_name, migration.up_sql), (migration.down_name, migration.down_sql)):
            out.print(f"\n-- ===== {name} ({where}) =====", markup=False, highlight=False)
            out.print(sql.rstrip("\n"), markup=False, highlight=False, soft_wrap=True)
    out.print("\n(dry run: nothing was written)")


def _print(outcome: GenerateOutcome, report: VerificationReport | None, written: list[Path], as_json: bool,
           dry_run: bool = False) -> None:
    if as_json:
        payload = outcome.model_dump(exclude={"snapshot"})
        payload["written"] = [str(p) for p in written]
        payload["dry_run"] = dry_run
        payload["verification"] = report.to_json_dict() if report else None
        out.print_json(data=payload)
        return
    for warning in outcome.warnings:
        err.print(warning, markup=False, style=WARNING)
    if not outcome.migrations:
        out.print("Nothing to generate: the migrations already build this schema.")
    else:
        out.print(f"New tables: {', '.join(outcome.tables) or 'none'}; indexes: {outcome.index_count}; "
                  f"policies: {outcome.policy_count}; migrations: {len(outcome.migrations)}; "
                  f"warnings: {len(outcome.warnings)}")
    for table, phrases in outcome.changed.items():
        out.print(f"Changed: {table} " + "; ".join(phrases), markup=False)
    if outcome.breaking:
        out.print("Breaking changes for application code:")
        for item in outcome.breaking:
            out.print(f"  - {item}", markup=False)
    if dry_run:
        _print_sql(outcome)
    for path in written:
        out.print(f"  wrote {path}", markup=False)
    if report is not None:
        print_report(report)
