"""`migration-agent verify`: prove a folder of migrations on a scratch database."""

from __future__ import annotations

from pathlib import Path

import click

from agent.commands.common import (
    fail,
    json_option,
    out,
    print_report,
    progress_printer,
    rows_option,
    run_async,
    settings,
)
from agent.commands.generate import load_or_exit
from agent.commands.review import html_option, html_report
from agent.embedded import EmbeddedError
from agent.exit_codes import ExitCode
from agent.jobs.generate import existing_migrations
from agent.migrate.snapshot import SNAPSHOT_FILE, SnapshotError, read_snapshot
from agent.runtime import ScratchBackendError, scratch_postgres_url
from agent.schema.tables import Schema
from agent.verify.apply import MigrationText
from agent.verify.pipeline import run_pipeline
from agent.verify.report import VerificationReport
from agent.verify.scratch import ScratchError

__all__ = ["verify_command"]


def _promised_schema(migrations_dir: Path, schemas_dir: Path | None) -> Schema | None:
    if schemas_dir is not None:
        return load_or_exit(schemas_dir).schema
    if not (migrations_dir / SNAPSHOT_FILE).exists():
        return None
    try:
        return read_snapshot(migrations_dir)
    except SnapshotError as error:
        fail(ExitCode.BAD_INPUT, str(error))


@click.command("verify")
@click.option("--dir", "migrations_dir", type=click.Path(path_type=Path, file_okay=False), default="migrations",
              show_default=True, help="The migrations folder [default from the project file].")
@click.option("--schemas", "schemas_dir", type=click.Path(path_type=Path, file_okay=False),
              help="The YAML the migrations must build [default: the folder's schema snapshot].")
@rows_option
@json_option
@click.option("--markdown", "markdown_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the report as markdown to this file.")
@html_option
def verify_command(migrations_dir: Path, schemas_dir: Path | None, rows: int, as_json: bool,
                   markdown_file: Path | None, html_file: Path | None) -> None:
    """Apply every migration of the migrations folder to a scratch database and prove it: compare
    with the schema, roll back and re-apply, tenant isolation, constraints, delete
    behaviour, index use. Exit 1 when any check fails."""
    migrations = existing_migrations(migrations_dir)
    if not migrations:
        fail(ExitCode.BAD_INPUT, f"no migration files (YYYYMMDDHHMMSS_name.sql) in {migrations_dir}")
    schema = _promised_schema(migrations_dir, schemas_dir)
    report = _run(migrations, schema, rows)
    if markdown_file is not None:
        markdown_file.write_text(report.to_markdown(), encoding="utf-8")
    review = html_report(html_file, "verify", Schema())
    if review is not None:
        review.verified(migrations, schema, report)
    if as_json:
        out.print_json(data=report.to_json_dict())
    else:
        print_report(report)
    if not report.passed:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


def _run(migrations: list[MigrationText], schema: Schema | None, rows: int) -> VerificationReport:
    try:
        with scratch_postgres_url(settings()) as server_url, progress_printer() as progress:
            return run_async(run_pipeline(server_url, migrations, schema=schema,
                                          rows_per_table=rows, progress=progress))
    except (EmbeddedError, ScratchError, ScratchBackendError, OSError) as error:
        fail(ExitCode.INFRASTRUCTURE, f"scratch PostgreSQL unavailable: {error}")
