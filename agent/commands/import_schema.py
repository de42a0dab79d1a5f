"""`migration-agent import`: a database back to YAML schema files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click

from agent.catalog import SchemaNotFoundError
from agent.commands.common import connect, err, fail, out, run_async, settings
from agent.exit_codes import ExitCode
from agent.importing import ImportedFiles, ImportOptions, OverwriteError, import_database, write_files
from agent.postgres_url import checked_url
from agent.schema.names import custom_setting_problem

__all__ = ["import_command", "read_database"]


def _custom_setting(ctx: click.Context, param: click.Parameter, value: str) -> str:
    problem = custom_setting_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


@click.command("import")
@click.option("--database-url", metavar="URL", callback=checked_url,
              help="The database to read [default: DATABASE_URL].")
@click.option("-o", "--output", "output_dir", required=True,
              type=click.Path(path_type=Path, file_okay=False), help="Folder for the YAML files.")
@click.option("--schema", default="public", show_default=True, help="The PostgreSQL schema to read.")
@click.option("--tenant-column", default="tenant_id", show_default=True,
              help="The column that makes a table tenant-scoped (written as tenant_scoped: true).")
@click.option("--setting", default="app.current_tenant_id", show_default=True, callback=_custom_setting,
              help="The setting tenant isolation policies read.")
@click.option("--app-role", default="app_user", show_default=True,
              help="The application's role, written to project.yaml.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--allow-loss", is_flag=True,
              help="Write the files even though some objects cannot be expressed (they are listed).")
def import_command(database_url: str | None, output_dir: Path, schema: str, tenant_column: str,
                   setting: str, app_role: str, force: bool, allow_loss: bool) -> None:
    """Read a database and write one entity file per table (plus project.yaml) that
    describes it in the YAML schema language. Anything the language cannot express is
    listed; then nothing is written unless --allow-loss."""
    url = database_url or _configured_url()
    options = ImportOptions(schema=schema, tenant_column=tenant_column, setting=setting, app_role=app_role,
                            source=f"{_database_name(url)} ({datetime.now(UTC).date().isoformat()})")
    imported = run_async(read_database(url, options))
    for problem in imported.problems:
        err.print(str(problem), markup=False)
    if imported.errors and not allow_loss:
        fail(ExitCode.FINDINGS, f"{len(imported.errors)} thing(s) in the database cannot be expressed "
             "in the YAML (listed above); nothing was written. Rerun with --allow-loss to write anyway.")
    try:
        written = write_files(output_dir, imported.texts, force=force)
    except OverwriteError as error:
        fail(ExitCode.BAD_INPUT, str(error))
    for path in written:
        out.print(f"wrote {path}", markup=False)


def _database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/")) or "the database"


def _configured_url() -> str:
    try:
        url = settings().database_url
    except RuntimeError:
        url = None
    if not url:
        fail(ExitCode.BAD_INPUT, "no database: give --database-url or set DATABASE_URL")
    return url


async def read_database(url: str, options: ImportOptions) -> ImportedFiles:
    """The database as YAML texts; exits 3 when it cannot be reached, 2 when the schema is missing."""
    connection = await connect(url)
    try:
        return await import_database(connection, options)
    except SchemaNotFoundError as error:
        fail(ExitCode.BAD_INPUT, str(error))
    finally:
        await connection.close()
