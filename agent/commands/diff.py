"""`migration-agent diff`: a change of the YAML into safe, reversible ALTER migrations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from agent.commands.common import err, fail, json_option, now_option, parse_now, rows_option, run_async
from agent.commands.diagnostics import plan_error_text
from agent.commands.generate import (
    AGENT,
    emit,
    load_or_exit,
    migrations_dir_option,
    planning_options,
    project_migrations_dir,
    remembered,
)
from agent.commands.import_schema import read_database
from agent.commands.review import html_option, html_report
from agent.exit_codes import ExitCode
from agent.importing import ImportOptions
from agent.jobs.generate import existing_migrations, generate_migrations, new_migrations
from agent.memory import MemoryStore
from agent.memory.knowledge import schema_from_memory
from agent.migrate.files import existing_versions
from agent.migrate.snapshot import SnapshotError, read_snapshot
from agent.plan.diff import BackfillSettings
from agent.plan.errors import PlanError
from agent.postgres_url import checked_url
from agent.schema import LoadedSchema, load_schema_sources
from agent.schema.diagnostics import SchemaError
from agent.schema.load import PROJECT_FILE
from agent.schema.tables import Schema
from agent.verify.apply import MigrationText

__all__ = ["diff_command"]


@click.command("diff")
@click.option("--from", "from_dir", type=click.Path(path_type=Path, file_okay=False),
              help="The old schema folder [default: what the migrations folder records it builds].")
@click.option("--from-memory", is_flag=True,
              help="The old schema is the one the agent last remembered as verified (memory, long tier).")
@click.option("--from-database", "from_database", metavar="URL", callback=checked_url,
              help="The old schema is read from this database by introspection (its public schema); a "
                   "URL or a name from the project file's [databases].")
@click.option("--to", "to_dir", type=click.Path(path_type=Path, file_okay=False), default="schemas",
              show_default=True, help="The new schema folder.")
@migrations_dir_option
@now_option
@click.option("--verify", is_flag=True, help="Prove the migrations on a scratch database at the old schema first.")
@rows_option
@planning_options
@json_option
@html_option
def diff_command(from_dir: Path | None, from_memory: bool, from_database: str | None, to_dir: Path,
                 migrations_dir: Path | None, now: str | None, verify: bool, rows: int,
                 allow_destructive: bool, batch_size: int, pause_ms: int, dry_run: bool, as_json: bool,
                 html_file: Path | None) -> None:
    """Plan the change from the old schema to the new one as phased migrations:
    expand, backfill, index, validate, contract (the last deploys after the application)."""
    new = load_or_exit(to_dir)
    target = migrations_dir or Path(project_migrations_dir(to_dir))
    if sum((from_dir is not None, from_memory, from_database is not None)) > 1:
        fail(ExitCode.BAD_INPUT, "give one of --from, --from-memory and --from-database, not more")
    if from_database is not None:
        old, baseline = _database_schema(from_database, new.schema)
    else:
        old, baseline = _memory_schema() if from_memory else _old_schema(from_dir, target)
    try:
        outcome = generate_migrations(new, old, parse_now(now), existing_versions(target),
                                      allow_changes=True, allow_destructive=allow_destructive,
                                      backfill=BackfillSettings(batch_size, pause_ms))
    except PlanError as error:
        fail(ExitCode.BAD_INPUT, plan_error_text(error, to_dir))
    emit(target, new, outcome, baseline if verify else None, rows, as_json, dry_run,
         review=html_report(html_file, "diff", old, verify))


def _memory_schema() -> tuple[Schema, list[MigrationText]]:
    found: list[Schema] = []

    async def read(store: MemoryStore) -> list[str]:
        schema = await schema_from_memory(store, AGENT)
        found.extend([schema] if schema else [])
        return []

    problems = remembered(read)
    if not found:
        fail(ExitCode.BAD_INPUT, "the agent remembers no schema yet; use --from " + "; ".join(problems))
    return _with_baseline(LoadedSchema(found[0]))


def _database_schema(url: str, new: Schema) -> tuple[Schema, list[MigrationText]]:
    """The database read as the YAML `import` would write it, with the new schema's tenant settings."""
    options = ImportOptions(tenant_column=new.tenant_column, setting=new.tenant_setting, app_role=new.app_role,
                            tenant_column_anywhere=True)
    imported = run_async(read_database(url, options))
    for problem in imported.errors:
        err.print(str(problem), markup=False)
    if imported.errors:
        fail(ExitCode.BAD_INPUT, f"{len(imported.errors)} thing(s) in the database cannot be expressed in the "
             "YAML (listed above), so the old schema would be wrong; nothing was written")
    if set(imported.texts) == {PROJECT_FILE}:
        return Schema(), []
    try:
        return _with_baseline(load_schema_sources(imported.texts))
    except SchemaError as error:
        fail(ExitCode.BAD_INPUT, f"the database does not read back as a valid schema: {error}")


def _with_baseline(old: LoadedSchema) -> tuple[Schema, list[MigrationText]]:
    """The old schema, and migrations that build it on an empty database (for verification)."""
    created = generate_migrations(old, Schema(), dt.datetime(2000, 1, 1, tzinfo=dt.UTC), [])
    return old.schema, new_migrations(created)


def _old_schema(from_dir: Path | None, target: Path) -> tuple[Schema, list[MigrationText]]:
    """The old schema, and migrations that build it on an empty database (for verification)."""
    if from_dir is None:
        try:
            return read_snapshot(target), existing_migrations(target)
        except SnapshotError as error:
            fail(ExitCode.BAD_INPUT, str(error))
    return _with_baseline(load_or_exit(from_dir))
