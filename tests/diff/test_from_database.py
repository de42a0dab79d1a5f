"""`diff --from-database`: the old schema read from a live database by introspection."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner, Result

from agent.commands.diff import diff_command
from agent.exit_codes import ExitCode
from agent.jobs.generate import generate_migrations
from agent.migrate.tracking import TRACKING_TABLE
from agent.schema import load_schema_dir
from agent.schema.tables import Schema
from agent.verify.apply import apply_sql

pytestmark = pytest.mark.integration
EVOLUTION = Path(__file__).parent / "evolution"
NOW = "2026-01-01T00:00:00Z"


async def invoke(*args: str) -> Result:
    """The command runs its own event loop, so it runs in a thread of its own."""
    return await asyncio.to_thread(CliRunner().invoke, diff_command, list(args))


async def _database_at_v1(db: asyncpg.Connection) -> None:
    v1 = load_schema_dir(EVOLUTION / "v1")
    for migration in generate_migrations(v1, Schema(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute(f"CREATE TABLE {TRACKING_TABLE} (version TEXT PRIMARY KEY)")


def _files(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(folder.iterdir())}


async def test_from_database_gives_the_files_of_from_the_yaml(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    """Byte for byte: the importer recovers everything of v1 the plan reads (names, types, defaults,
    comments, keys, policies); what it cannot recover (`renamed_from`, `backfill`) v1 does not use."""
    await _database_at_v1(db)
    common = ["--to", str(EVOLUTION / "v2"), "--now", NOW, "--allow-destructive"]
    from_yaml = await invoke("--from", str(EVOLUTION / "v1"), "--dir", str(tmp_path / "yaml"), *common)
    from_database = await invoke("--from-database", fresh_database_url, "--dir", str(tmp_path / "db"), *common)
    assert from_yaml.exit_code == 0, from_yaml.output
    assert from_database.exit_code == 0, from_database.output
    assert len(_files(tmp_path / "db")) > 2
    assert _files(tmp_path / "db") == _files(tmp_path / "yaml")


async def test_an_unreachable_database_is_an_infrastructure_failure(tmp_path: Path) -> None:
    result = await invoke("--from-database", "postgresql://nobody@127.0.0.1:1/none", "--to",
                          str(EVOLUTION / "v2"), "--dir", str(tmp_path / "m"))
    assert result.exit_code == ExitCode.INFRASTRUCTURE, result.output
    assert "cannot reach the database" in result.output
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("other", [["--from", str(EVOLUTION / "v1")], ["--from-memory"]])
async def test_from_database_and_another_old_schema_are_refused(other: list[str], tmp_path: Path) -> None:
    result = await invoke("--from-database", "postgresql://nobody@127.0.0.1:1/none", *other,
                          "--to", str(EVOLUTION / "v2"), "--dir", str(tmp_path / "m"))
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "give one of --from, --from-memory and --from-database" in result.output


async def test_a_table_made_tenant_scoped_by_alter_is_read_back_as_tenant_scoped(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    """ALTER puts the tenant column last; a diff plans by name, so the database still reads as
    the tenant-scoped YAML and there is nothing left to do."""
    from tests.diff.test_tenant_scoping import OWNERS, SCOPED, SHARED, diff, load

    for migration in generate_migrations(load(SHARED), Schema(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                                         []).migrations + diff(SHARED, SCOPED).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    assert (await db.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'items'::regclass AND attnum > 0 "
                           "ORDER BY attnum DESC LIMIT 1"))[0]["attname"] == "tenant_id"
    target = tmp_path / "scoped"
    target.mkdir()
    (target / "items.yaml").write_text(SCOPED)
    (target / "owners.yaml").write_text(OWNERS)
    result = await invoke("--from-database", fresh_database_url, "--to", str(target), "--dir", str(tmp_path / "m"),
                          "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "Nothing to generate" in result.output
    assert not list((tmp_path / "m").glob("*.sql"))
