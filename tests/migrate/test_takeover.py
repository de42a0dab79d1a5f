"""The runner takes over a folder another tool wrote (issue 23): Prisma's
`<version>_<name>/migration.sql` is listed and applied; after Prisma ran some of them,
`migrate baseline` marks those applied from `_prisma_migrations`, so `up` runs only what is new;
a folder of .sql files in no layout it knows exits 2 and says what it found."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner, Result

from agent.cli import app
from agent.exit_codes import ExitCode

pytestmark = pytest.mark.integration

FIRST = 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);\n'
SECOND = 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n'
THIRD = 'CREATE INDEX "User_name_idx" ON "User"("name");\n'
PRISMA_TABLE = """CREATE TABLE _prisma_migrations (
    id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
    migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
    started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0)"""


async def _invoke(*args: str) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, app, list(args))


def _prisma_folder(root: Path, *migrations: tuple[str, str]) -> Path:
    for name, sql in migrations:
        (root / name).mkdir(parents=True)
        (root / name / "migration.sql").write_text(sql)
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return root


async def _as_prisma_ran(db: asyncpg.Connection, *migrations: tuple[str, str]) -> None:
    await db.execute(PRISMA_TABLE)
    for n, (name, sql) in enumerate(migrations):
        await db.execute(sql)
        await db.execute("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, "
                         "applied_steps_count) VALUES ($1, 'x', now(), $2, 1)", str(n), name)


async def test_a_prisma_folder_is_listed_and_applied(fresh_database_url: str, tmp_path: Path) -> None:
    folder = _prisma_folder(tmp_path / "prisma", ("20240101000000_init", FIRST), ("20240102000000_name", SECOND))
    status = await _invoke("migrate", "status", "--database-url", fresh_database_url, "--dir", str(folder))
    assert status.exit_code == 0, status.output
    assert "pending  20240101000000_init/migration.sql" in status.output
    assert "pending  20240102000000_name/migration.sql" in status.output
    up = await _invoke("migrate", "up", "--database-url", fresh_database_url, "--dir", str(folder))
    assert up.exit_code == 0, up.output
    again = await _invoke("migrate", "status", "--database-url", fresh_database_url, "--dir", str(folder))
    assert "applied  20240102000000_name/migration.sql" in again.output and "pending" not in again.output


async def test_baseline_takes_over_what_prisma_ran(db: asyncpg.Connection, fresh_database_url: str,
                                                  tmp_path: Path) -> None:
    ran = (("20240101000000_init", FIRST), ("20240102000000_name", SECOND))
    await _as_prisma_ran(db, *ran)
    folder = _prisma_folder(tmp_path / "prisma", *ran, ("20240103000000_index", THIRD))
    marked = await _invoke("migrate", "baseline", "--database-url", fresh_database_url, "--dir", str(folder))
    assert marked.exit_code == 0, marked.output
    assert "2 migration(s) marked as applied, as _prisma_migrations records them" in marked.output
    up = await _invoke("migrate", "up", "--database-url", fresh_database_url, "--dir", str(folder))
    assert up.exit_code == 0, up.output
    assert await db.fetchval("SELECT to_regclass('\"User_name_idx\"') IS NOT NULL")
    status = await _invoke("migrate", "status", "--database-url", fresh_database_url, "--dir", str(folder))
    assert status.output.count("applied  ") == 3


async def test_baseline_without_a_tools_table_is_bad_input(fresh_database_url: str, tmp_path: Path) -> None:
    folder = _prisma_folder(tmp_path / "prisma", ("20240101000000_init", FIRST))
    refused = await _invoke("migrate", "baseline", "--database-url", fresh_database_url, "--dir", str(folder))
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "_prisma_migrations" in refused.output


async def test_an_unrecognised_folder_of_sql_files_exits_2(fresh_database_url: str, tmp_path: Path) -> None:
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "create users.sql").write_text(FIRST)
    (tmp_path / "odd" / "later.sql").write_text(SECOND)
    refused = await _invoke("migrate", "status", "--database-url", fresh_database_url, "--dir", str(tmp_path / "odd"))
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "2 .sql file(s)" in refused.output and "create users.sql" in refused.output
