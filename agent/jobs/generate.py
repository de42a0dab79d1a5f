"""The generate job: YAML schema to migration files, shared by the CLI and the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from agent.migrate.files import NewFile, file_slug, next_versions, parse_name
from agent.migrate.snapshot import SNAPSHOT_FILE, snapshot_text
from agent.plan.describe import describe_changes
from agent.plan.diff import BackfillSettings
from agent.plan.errors import PlanError
from agent.plan.planner import Migration, plan
from agent.schema.diagnostics import Diagnostic
from agent.schema.load import LoadedSchema
from agent.schema.tables import Schema
from agent.sql.migration_file import FileNames, bind_backups, render_down, render_up
from agent.verify.apply import MigrationText
from agent.verify.pipeline import Progress, run_pipeline
from agent.verify.report import VerificationReport

__all__ = [
    "GenerateOutcome",
    "GeneratedMigration",
    "existing_migrations",
    "generate_migrations",
    "new_migrations",
    "verify_migrations",
]


class GeneratedMigration(BaseModel):
    version: str
    slug: str
    title: str
    up_name: str
    down_name: str
    up_sql: str
    down_sql: str
    destructive_down: bool
    phase: str = "expand"
    deploy: str = "before-app"
    transactional: bool = True


class GenerateOutcome(BaseModel):
    migrations: list[GeneratedMigration]
    warnings: list[str]
    tables: list[str]
    index_count: int
    policy_count: int
    breaking: list[str] = []
    changed: dict[str, list[str]] = {}
    """Tables the plan changes, with what changes in each (see `agent.plan.describe`)."""
    snapshot: str

    def files(self) -> list[NewFile]:
        found = []
        for migration in self.migrations:
            found += [NewFile(migration.up_name, migration.up_sql),
                      NewFile(migration.down_name, migration.down_sql)]
        return found

    @property
    def snapshot_file(self) -> NewFile:
        return NewFile(SNAPSHOT_FILE, self.snapshot)


def generate_migrations(
    loaded: LoadedSchema, old: Schema, now: dt.datetime, existing_versions: Sequence[str],
    *, allow_changes: bool = False, allow_destructive: bool = False,
    backfill: BackfillSettings = BackfillSettings(),
) -> GenerateOutcome:
    """Plan from `old` to the loaded schema and render each migration; writes nothing."""
    try:
        planned = plan(old, loaded.schema, allow_changes=allow_changes, allow_destructive=allow_destructive,
                       backfill=backfill)
    except PlanError as error:
        raise error.located(loaded.documents) from error
    versions = next_versions(len(planned), now, existing_versions)
    by_slug = {m.slug: f"{v}_{file_slug(m.slug)}" for v, m in zip(versions, planned, strict=True)}
    date = now.astimezone(dt.UTC).strftime("%Y-%m-%d")
    rendered = [_render(m, v, by_slug, date) for v, m in zip(versions, planned, strict=True)]
    created = [t for t in loaded.schema.tables if old.table(t.name) is None]
    return GenerateOutcome(
        migrations=rendered,
        warnings=[str(w) for w in loaded.warnings if not _old_name(w, loaded, old)],
        tables=[t.name for t in created],
        index_count=sum(len(t.indexes) for t in created),
        policy_count=sum(len(t.policies) for t in created),
        breaking=[item for m in planned for item in m.breaking],
        changed=describe_changes(old, loaded.schema),
        snapshot=snapshot_text(loaded.schema),
    )


def _old_name(warning: Diagnostic, loaded: LoadedSchema, old: Schema) -> bool:
    """A naming-convention warning about a table or column the migrations already built: the
    convention is for new names, not a reproach to every run about an adopted one."""
    if "naming convention" not in warning.message and "reserved word" not in warning.message:
        return False
    document = loaded.documents.get(warning.location.file)
    data = document.data if document is not None and isinstance(document.data, dict) else {}
    table = old.table(str(data.get("table", "")))
    if table is None:
        return False
    path = warning.key_path
    column = str(path[1]) if len(path) == 2 and path[0] == "properties" else None
    return path in (("table",), ("primary_key",)) or (column is not None and column in table.column_names)


def _render(migration: Migration, version: str, by_slug: dict[str, str], date: str) -> GeneratedMigration:
    migration = bind_backups(migration, version)
    stem = f"{version}_{file_slug(migration.slug)}"
    names = FileNames(
        up=f"{stem}.sql",
        down=f"{stem}_down.sql",
        dependencies=tuple(by_slug[s] for s in migration.depends_on if s in by_slug),
        date=date,
    )
    down_sql = render_down(migration, names)
    return GeneratedMigration(
        version=version, slug=file_slug(migration.slug), title=migration.title, up_name=names.up,
        down_name=names.down, up_sql=render_up(migration, names), down_sql=down_sql,
        destructive_down="-- agent:destructive" in down_sql.split("\n\n", 1)[0],
        phase=migration.phase, deploy=migration.deploy, transactional=migration.transactional,
    )


def existing_migrations(directory: Path) -> list[MigrationText]:
    """The up/down pairs already in a folder, oldest first: the state new migrations build on."""
    pairs: dict[str, dict[str, str]] = {}
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            parsed = parse_name(path.name)
            if parsed:
                version, slug, down = parsed
                pairs.setdefault(f"{version}_{slug}", {})["down" if down else "up"] = path.read_text()
    return [MigrationText(stem, files.get("up", ""), files.get("down", ""))
            for stem, files in sorted(pairs.items())]


def new_migrations(outcome: GenerateOutcome) -> list[MigrationText]:
    return [MigrationText(m.up_name, m.up_sql, m.down_sql) for m in outcome.migrations]


async def verify_migrations(
    server_url: str, schema: Schema, baseline: list[MigrationText], new: list[MigrationText],
    *, rows_per_table: int = 10_000, progress: Progress = lambda _message: None,
) -> VerificationReport:
    """The full pipeline for `new` on a scratch database already at the baseline."""
    return await run_pipeline(server_url, new, schema=schema, baseline=baseline,
                              rows_per_table=rows_per_table, progress=progress)
