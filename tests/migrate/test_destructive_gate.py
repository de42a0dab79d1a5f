"""`migrate up`/`down` and `apply` jobs confirm by content: a statement that destroys data
needs `confirm` whatever the file's markers say, and the refusal comes before anything runs."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner, Result

from agent.bus.messages import Job, JobRejected
from agent.cli import app
from agent.jobs.handlers import JobContext, run_job
from agent.lint.source import SqlSyntaxError
from agent.migrate.discovery import discover
from agent.migrate.runner import Runner, RunnerError, RunSettings
from tests.generate.helpers import REPO

pytestmark = pytest.mark.integration
FAST = RunSettings(lock_timeout_ms=100, attempts=3, backoff_ms=10)
CONFIRMED = RunSettings(lock_timeout_ms=100, attempts=3, backoff_ms=10, confirm=True)
NEW = "20260101000000_cleanup"


def folder_with(tmp_path: Path, up: str, down: str = "SELECT 1;") -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(REPO / "migrations", target)
    (target / f"{NEW}.sql").write_text(up)
    (target / f"{NEW}_down.sql").write_text(down)
    return target


async def tables(db: asyncpg.Connection) -> set[str]:
    return {r[0] for r in await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


async def applied(db: asyncpg.Connection) -> list[str]:
    return [r[0] for r in await db.fetch("SELECT version FROM agent_schema_migrations ORDER BY version")]


@pytest.mark.parametrize(("up", "where"), [
    ("BEGIN;\nDROP TABLE lots;\nCOMMIT;\n", r":2:1: DROP TABLE lots"),
    ("TRUNCATE lots;\n", r":1:1: TRUNCATE lots"),
    ("DELETE FROM lots;\n", r":1:1: DELETE without WHERE lots"),
    ("CREATE TABLE harmless (id int);\nDROP TABLE lots;\n", r":2:1: DROP TABLE lots"),
    ("CREATE TABLE harmless (id int);\nDO $$\nBEGIN\n    DROP TABLE lots;\nEND\n$$;\n", r":4:5: DROP TABLE lots"),
    ("CREATE TABLE harmless (id int);\nDO $$ BEGIN EXECUTE 'DROP TABLE lots'; END $$;\n",
     r":2:21: dynamic SQL \(EXECUTE\) in a DO block"),
])
async def test_an_unmarked_destructive_file_is_refused_before_anything_runs(
        db: asyncpg.Connection, tmp_path: Path, up: str, where: str) -> None:
    files = discover(folder_with(tmp_path, up))
    before = await Runner(db, FAST).up(files[:2])
    with pytest.raises(RunnerError, match=rf"{NEW}\.sql{where}.*needs --confirm.*nothing was applied"):
        await Runner(db, FAST).up(files)
    assert {"lots", "storage_locations"} <= await tables(db) and "harmless" not in await tables(db)
    assert len(await applied(db)) == len(before) == 2
    assert await Runner(db, CONFIRMED).up(files) == [f"{NEW}.sql"]
    assert "lots" not in await tables(db) or up.startswith(("TRUNCATE", "DELETE"))


async def test_nothing_of_the_run_is_applied_when_a_later_file_is_refused(
        db: asyncpg.Connection, tmp_path: Path) -> None:
    files = discover(folder_with(tmp_path, "DROP TABLE lots;\n"))
    with pytest.raises(RunnerError, match=rf"{NEW}\.sql:1:1: DROP TABLE lots"):
        await Runner(db, FAST).up(files)
    assert await applied(db) == [] and "lots" not in await tables(db)


async def test_an_unmarked_destructive_down_file_is_refused(db: asyncpg.Connection, tmp_path: Path) -> None:
    files = discover(folder_with(tmp_path, "CREATE TABLE harmless (id int);\n",
                                 "SELECT 1;\nDELETE FROM storage_locations;\n"))
    await Runner(db, FAST).up(files)
    with pytest.raises(RunnerError, match=rf"{NEW}_down\.sql:2:1: DELETE without WHERE storage_locations"):
        await Runner(db, FAST).down(files)
    assert "harmless" in await tables(db) and len(await applied(db)) == 3
    assert await Runner(db, CONFIRMED).down(files) == [f"{NEW}_down.sql"]


def apply_job(files: Path, confirm: bool) -> Job:
    payload = {p.name: p.read_text() for p in sorted(files.iterdir())}
    return Job(job_id=f"apply-{confirm}", kind="apply", requested_by="tests", payload=payload,
               options={"target": "staging", "confirm": confirm})


async def test_an_apply_job_with_an_unmarked_drop_is_refused_without_confirm(
        db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path) -> None:
    files = folder_with(tmp_path, "DROP TABLE lots;\n")
    await Runner(db, FAST).up(discover(files)[:2])
    context = JobContext(scratch_url=fresh_database_url, apply_targets={"staging": fresh_database_url})
    refused = await run_job(apply_job(files, confirm=False), context)
    assert refused.status == "failed" and refused.error is not None and refused.error.code == "apply_refused"
    assert f"{NEW}.sql:1:1: DROP TABLE lots" in refused.error.message
    assert "lots" in await tables(db)
    done = await run_job(apply_job(files, confirm=True), context)
    assert done.status == "succeeded", done.summary
    assert "lots" not in await tables(db) and "storage_locations" in await tables(db)


async def test_migrate_up_on_the_command_line_needs_confirm_for_an_unmarked_drop(
        db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "SELECT 1;\nTRUNCATE lots;\n")

    def up(*extra: str) -> Result:
        args = ["migrate", "up", "--database-url", fresh_database_url, "--dir", str(folder), *extra]
        return CliRunner().invoke(app, args, env={"DATABASE_URL": fresh_database_url})

    refused = await asyncio.to_thread(up)
    assert refused.exit_code == 1 and f"{NEW}.sql:2:1: TRUNCATE lots" in refused.output, refused.output
    assert await applied(db) == []
    confirmed = await asyncio.to_thread(up, "--confirm")
    assert confirmed.exit_code == 0, confirmed.output
    assert len(await applied(db)) == 3


async def test_a_file_that_does_not_parse_is_bad_input_named_by_position(
        db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "CREATE TABLE harmless (id int);\nDROPP TABLE lots;\n")
    with pytest.raises(SqlSyntaxError, match=rf"{NEW}\.sql:2:1: syntax error"):
        await Runner(db, FAST).up(discover(folder))
    context = JobContext(scratch_url=fresh_database_url, apply_targets={"staging": fresh_database_url})
    with pytest.raises(JobRejected) as rejected:
        await run_job(apply_job(folder, confirm=True), context)
    assert rejected.value.error.code == "invalid_input" and f"{NEW}.sql:2:1" in rejected.value.error.message
    cli = await asyncio.to_thread(CliRunner().invoke, app, [
        "migrate", "up", "--database-url", fresh_database_url, "--dir", str(folder), "--confirm"])
    assert cli.exit_code == 2 and f"{NEW}.sql:2:1: syntax error" in cli.output, cli.output
    assert await applied(db) == [] and "harmless" not in await tables(db)
