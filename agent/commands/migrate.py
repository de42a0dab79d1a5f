"""`migration-agent migrate status|plan|up|down|verify` and `export`: the runner's commands."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from agent.activity_log import append_entry
from agent.catalog import read_catalog, table_fingerprints
from agent.commands.common import connect, err, fail, json_option, out, run_async, settings
from agent.commands.generate import AGENT, remembered
from agent.commands.style import WARNING
from agent.exit_codes import ExitCode
from agent.lint.source import SqlSyntaxError
from agent.memory.knowledge import record_applied
from agent.migrate.baseline import Baseline, BaselineError, baseline
from agent.migrate.discovery import Folder, LayoutError, MigrationFile, read_folder
from agent.migrate.export import FORMATS, ExportError, export_files
from agent.migrate.files import MigrationFileError, write_files
from agent.migrate.runner import Runner, RunnerError, RunSettings, Status
from agent.migrate.snapshot import SNAPSHOT_FILE, read_snapshot
from agent.postgres_url import checked_url
from agent.verify.apply import without_backups

__all__ = ["export_command", "migrate_group"]

T = TypeVar("T")


@click.group("migrate")
def migrate_group() -> None:
    """Apply migrations to a real database: status, plan, up, down, verify."""


def _common(function: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.option("--database-url", metavar="URL", callback=checked_url,
                     help="The database to migrate: a URL, or a name from the project file's [databases] "
                          "[default: DATABASE_URL]."),
        click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False),
                     default="migrations", show_default=True,
                     help="The migrations folder [default from the project file]."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _run_options(function: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.option("--wait-timeout", type=float, default=0.0, show_default=True,
                     help="Seconds to wait for another runner's lock."),
        click.option("--lock-timeout", "lock_timeout_ms", type=int, default=2000, show_default=True,
                     help="lock_timeout per attempt, in ms."),
        click.option("--statement-timeout", "statement_timeout_ms", type=int, default=0, show_default=True,
                     help="statement_timeout in ms (0: the files' own)."),
        click.option("--attempts", type=click.IntRange(min=1), default=8, show_default=True,
                     help="Attempts when a lock is not granted in time."),
        click.option("--confirm", is_flag=True,
                     help="Allow files marked -- agent:destructive, and statements that destroy data "
                     "(DROP TABLE, DROP COLUMN, TRUNCATE, DELETE or UPDATE without WHERE...) "
                     "whatever the markers say."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _url(database_url: str | None) -> str:
    url = database_url or settings().database_url
    if not url:
        fail(ExitCode.BAD_INPUT, "give --database-url or set DATABASE_URL: the runner never picks a database itself")
    return url


def _with_runner(database_url: str | None, run_settings: RunSettings,
                 work: Callable[[Runner], Awaitable[T]], *, locked: bool) -> T:
    async def go() -> T:
        connection = await connect(_url(database_url), timeout=10)
        try:
            runner = Runner(connection, run_settings, progress=lambda m: err.print(f"  {m}", markup=False))
            if locked:
                await runner.lock()
            try:
                return await work(runner)
            finally:
                if locked:
                    await runner.unlock()
        finally:
            await connection.close()

    try:
        return run_async(go())
    except RunnerError as error:
        fail(ExitCode.FINDINGS, str(error))
    except SqlSyntaxError as error:
        fail(ExitCode.BAD_INPUT, f"{error}; nothing was applied")


def _settings(**options: Any) -> RunSettings:
    return RunSettings(**{k: v for k, v in options.items() if k in RunSettings.__dataclass_fields__})


def _folder(directory: Path) -> Folder:
    if not directory.is_dir():
        fail(ExitCode.BAD_INPUT, f"{directory} is not a folder of migrations")
    try:
        return read_folder(directory)
    except LayoutError as error:
        fail(ExitCode.BAD_INPUT, str(error))


def _files(directory: Path) -> list[MigrationFile]:
    return _folder(directory).files


def _not_run(folder: Folder) -> None:
    for name, why in folder.not_run:
        err.print(f"not run  {name}: {why}", markup=False)


def _where(database_url: str | None) -> str:
    """The database without its credentials, for logs and memory."""
    parts = urlsplit(_url(database_url))
    return f"{parts.hostname or 'local socket'}/{parts.path.lstrip('/')}"


def _log(action: str, database_url: str | None, done: list[str], outcome: str) -> None:
    append_entry(f"migrate {action}", [f"database: {_where(database_url)}", f"files: {', '.join(done) or 'none'}",
                                       f"outcome: {outcome}"])


def _remember_applied(database_url: str | None, directory: Path, done: list[str]) -> None:
    """Long: the tables' schema (from the folder's snapshot) and catalog fingerprints; medium: the files."""
    async def fingerprints() -> dict[str, str]:
        connection = await connect(_url(database_url), timeout=10)
        try:
            return table_fingerprints(without_backups(await read_catalog(connection)))
        finally:
            await connection.close()

    schema = read_snapshot(directory) if (directory / SNAPSHOT_FILE).exists() else None
    found = run_async(fingerprints())

    where = _where(database_url)
    for warning in remembered(lambda store: record_applied(store, AGENT, schema, where, done, found)):
        err.print(warning, markup=False, style=WARNING)


@migrate_group.command("status")
@_common
@json_option
def status_command(database_url: str | None, directory: Path, as_json: bool) -> None:
    """Applied, pending, changed and partly applied files."""
    folder = _folder(directory)
    status = _with_runner(database_url, RunSettings(), lambda r: r.status(folder.files), locked=False)
    if as_json:
        out.print_json(json.dumps(_status_json(folder, status)))
        return
    for row in status.applied:
        out.print(f"applied  {row.name}  {row.applied_at:%Y-%m-%d %H:%M:%S}  {row.duration_ms} ms", markup=False)
    for file in status.pending:
        out.print(f"pending  {file.name}" + ("  (older than the newest applied)" if file in status.gaps else ""),
                  markup=False)
    for file, _ in status.changed:
        out.print(f"CHANGED  {file.name}: the file differs from what was applied", markup=False)
    for file, row in status.partial:
        out.print(f"partial  {file.name}: {row.statements_done} statement(s) done; `up` resumes", markup=False)
    for name, why in folder.not_run:
        out.print(f"not run  {name}: {why}", markup=False)


def _status_json(folder: Folder, status: Status) -> dict[str, Any]:
    return {
        "layout": folder.layout, "not_run": [name for name, _ in folder.not_run],
        "applied": [r.name for r in status.applied], "pending": [f.name for f in status.pending],
        "changed": [f.name for f, _ in status.changed], "partial": [f.name for f, _ in status.partial],
        "missing": [r.name for r in status.missing], "out_of_order": [f.name for f in status.gaps],
    }


@migrate_group.command("plan")
@_common
@click.option("--down", "direction_down", is_flag=True, help="Show what `down` would run.")
@click.option("--steps", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --down: how many applied files it would revert.")
def plan_command(database_url: str | None, directory: Path, direction_down: bool, steps: int) -> None:
    """Print exactly the statements `up` (or `down`) would run, file by file."""
    files = _files(directory)
    status = _with_runner(database_url, RunSettings(), lambda r: r.status(files), locked=False)
    try:
        if direction_down:
            applied = [r.version for r in reversed(status.applied)][:steps]
            chosen = [(f.down_name, f.statements(down=True)) for v in applied for f in files if f.version == v]
        else:
            chosen = [(f.name, f.statements()) for f in status.pending]
    except SqlSyntaxError as error:
        fail(ExitCode.BAD_INPUT, str(error))
    if not chosen:
        out.print("Nothing to run.")
    for name, statements in chosen:
        out.print(f"-- {name}", markup=False)
        for statement in statements:
            out.print(statement.strip() + ";", markup=False)


@migrate_group.command("up")
@_common
@_run_options
@click.option("--allow-out-of-order", is_flag=True, help="Apply pending files older than the newest applied.")
@click.option("--to", "to_version", help="Stop after this version.")
@click.option("--remember", is_flag=True,
              help="Record the applied tables (schema from the folder's snapshot, catalog fingerprints) in the "
                   "agent's memory, so `diff --from-memory` plans from them.")
def up_command(database_url: str | None, directory: Path, to_version: str | None, remember: bool,
               **options: Any) -> None:
    """Apply pending files in order (resuming a partly applied no-transaction file)."""
    folder = _folder(directory)
    _not_run(folder)
    try:
        done = _with_runner(database_url, _settings(**options), lambda r: r.up(folder.files, to_version),
                            locked=True)
    except click.exceptions.Exit:
        _log("up", database_url, [], "failed")
        raise
    _log("up", database_url, done, "ok")
    if remember and done:
        _remember_applied(database_url, directory, done)
    out.print(f"Applied {len(done)} file(s)." if done else "Nothing to apply.")
    for name in done:
        out.print(f"  {name}", markup=False)


@migrate_group.command("down")
@_common
@_run_options
@click.option("--steps", type=click.IntRange(min=1), default=None, help="How many applied files to revert [1].")
@click.option("--to", "to_version", help="Revert every file newer than this version.")
def down_command(database_url: str | None, directory: Path, steps: int | None, to_version: str | None,
                 **options: Any) -> None:
    """Run the down files of the newest applied migrations, newest first."""
    if steps is not None and to_version is not None:
        fail(ExitCode.BAD_INPUT, "give --steps or --to, not both")
    files = _files(directory)
    try:
        done = _with_runner(database_url, _settings(**options),
                            lambda r: r.down(files, steps or 1, to_version), locked=True)
    except click.exceptions.Exit:
        _log("down", database_url, [], "failed")
        raise
    _log("down", database_url, done, "ok")
    out.print(f"Reverted {len(done)} file(s)." if done else "Nothing to revert.")
    for name in done:
        out.print(f"  {name}", markup=False)


@migrate_group.command("baseline")
@_common
def baseline_command(database_url: str | None, directory: Path) -> None:
    """Mark as applied the files another tool already ran, as its own table records them
    (_prisma_migrations, goose_db_version, schema_migrations, flyway_schema_history,
    __diesel_schema_migrations), so the next `up` runs only what is new."""
    folder = _folder(directory)

    async def mark(runner: Runner) -> Baseline:
        try:
            return await baseline(runner.connection, folder)
        except BaselineError as error:
            fail(ExitCode.BAD_INPUT, str(error))

    done = _with_runner(database_url, RunSettings(), mark, locked=True)
    _log("baseline", database_url, done.marked, "ok")
    out.print(f"{len(done.marked)} migration(s) marked as applied, as {done.table} records them.", markup=False)
    for name in done.marked:
        out.print(f"  {name}", markup=False)


@migrate_group.command("verify")
@_common
def verify_command(database_url: str | None, directory: Path) -> None:
    """Check that every applied file still has the checksum it was applied with (exit 1 if not)."""
    files = _files(directory)
    status = _with_runner(database_url, RunSettings(), lambda r: r.status(files), locked=False)
    for file, row in status.changed:
        out.print(f"CHANGED  {file.name}: applied {row.checksum[:12]}, now {file.checksum[:12]}", markup=False)
    for row in status.missing:
        out.print(f"MISSING  {row.name}: applied but no longer in {directory}", markup=False)
    if status.changed or status.missing:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))
    out.print(f"{len(status.applied)} applied file(s) match their checksums.")


@click.command("export")
@click.option("--format", "layout", type=click.Choice(sorted(FORMATS)), required=True,
              help="The runner whose file layout to write.")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="The folder to write the runner's files into.")
@click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False), default="migrations",
              show_default=True, help="The migrations folder to export.")
def export_command(layout: str, output: Path, directory: Path) -> None:
    """Write the migrations in golang-migrate, dbmate or flyway layout, to keep an existing runner."""
    try:
        written = write_files(output, export_files(_files(directory), layout))
    except (MigrationFileError, ExportError) as error:
        fail(ExitCode.BAD_INPUT, str(error))
    out.print(f"Wrote {len(written)} file(s) to {output} in {layout} layout.", markup=False)
