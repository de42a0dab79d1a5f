"""Lock trace on a real PostgreSQL (embedded 18 unless TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from agent.lint import LockMode, parse_source
from agent.lint.command import lint_command
from agent.lint.trace import SCRATCH_PREFIX, trace_sources

pytestmark = pytest.mark.integration

SETUP = (
    "CREATE TABLE lots (lot_id bigint PRIMARY KEY, material_id bigint);\n"
    "INSERT INTO lots SELECT g, g % 100 FROM generate_series(1, 20000) g;"
)
CONSTANT = "ALTER TABLE lots ADD COLUMN x int NOT NULL DEFAULT 0;"
VOLATILE = "ALTER TABLE lots ADD COLUMN y int NOT NULL DEFAULT random();"


async def _scratch_databases(server_url: str) -> list[str]:
    connection = await asyncpg.connect(server_url)
    try:
        rows = await connection.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", f"{SCRATCH_PREFIX}%"
        )
    finally:
        await connection.close()
    return [r["datname"] for r in rows]


async def test_constant_default_does_not_rewrite_volatile_default_does(
    postgres_server_url: str,
) -> None:
    source = parse_source("m.sql", f"{CONSTANT}\n{VOLATILE}\n")
    (trace,) = await trace_sources(postgres_server_url, [source], SETUP)
    constant, volatile = trace.statements
    assert not constant.rewrite
    assert constant.strongest("lots") is LockMode.ACCESS_EXCLUSIVE
    assert volatile.rewritten == ("lots",)
    assert volatile.strongest("lots") is LockMode.ACCESS_EXCLUSIVE
    assert "SELECT" in next(lock.blocks for lock in volatile.locks if lock.relation == "lots")


async def test_index_locks_and_concurrent_sampling(postgres_server_url: str) -> None:
    sql = (
        "CREATE INDEX idx_lots_material ON lots (material_id);\n"
        "CREATE INDEX CONCURRENTLY idx_lots_material_2 ON lots (material_id);\n"
    )
    (trace,) = await trace_sources(postgres_server_url, [parse_source("m.sql", sql)], SETUP)
    plain, concurrent = trace.statements
    assert plain.strongest("lots") is LockMode.SHARE and plain.transactional
    assert not concurrent.transactional
    assert concurrent.strongest("lots") is LockMode.SHARE_UPDATE_EXCLUSIVE
    assert "INSERT" in next(lock.blocks for lock in plain.locks if lock.relation == "lots")


async def test_failing_statement_stops_the_file_and_scratch_is_dropped(
    postgres_server_url: str,
) -> None:
    source = parse_source("m.sql", "ALTER TABLE missing ADD x int;\nSELECT 1;")
    (trace,) = await trace_sources(postgres_server_url, [source])
    assert trace.failed and len(trace.statements) == 1
    assert "UndefinedTable" in (trace.statements[0].error or "")
    assert await _scratch_databases(postgres_server_url) == []


def test_cli_trace_reports_json(postgres_server_url: str, tmp_path: Path) -> None:
    setup, migration = tmp_path / "001_setup.sql", tmp_path / "002_alter.sql"
    setup.write_text(SETUP)
    migration.write_text(f"SET lock_timeout = '2s';\n{VOLATILE}\n")
    runner = CliRunner(env={"SCRATCH_DATABASE_URL": postgres_server_url})
    result = runner.invoke(lint_command, [str(setup), str(migration), "--trace", "--format",
                                          "json"])
    data = json.loads(result.output)
    alter = data["trace"][1]["statements"][1]
    assert alter["rewrite"] is True
    assert {"relation": "lots", "mode": "ACCESS EXCLUSIVE"}.items() <= alter["locks"][0].items()
    assert result.exit_code == 1  # MA109 is an error


def test_cli_trace_text(postgres_server_url: str, tmp_path: Path) -> None:
    path = tmp_path / "m.sql"
    path.write_text(f"{SETUP}\n{CONSTANT}\n")
    runner = CliRunner(env={"SCRATCH_DATABASE_URL": postgres_server_url})
    result = runner.invoke(lint_command, [str(path), "--trace"])
    assert "lock trace of" in result.output
    assert "rewrite: no" in result.output
    assert "ACCESS EXCLUSIVE on lots (table); blocks SELECT" in result.output


async def test_cli_trace_clones_the_schema_of_database_url(
    postgres_server_url: str, db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    await db.execute("CREATE TABLE lots (lot_id bigint PRIMARY KEY); INSERT INTO lots VALUES (1)")
    path = tmp_path / "m.sql"
    path.write_text(f"SET lock_timeout = '2s';\n{CONSTANT}\n")
    runner = CliRunner(env={"SCRATCH_DATABASE_URL": postgres_server_url})
    args = [str(path), "--trace", "--format", "json", "--database-url", fresh_database_url]
    result = runner.invoke(lint_command, args)
    assert result.exit_code == 0, result.output
    statements = json.loads(result.output)["trace"][0]["statements"]
    assert statements[1]["error"] is None and statements[1]["rewrite"] is False
    assert await db.fetchval("SELECT count(*) FROM lots") == 1  # the source is untouched


def test_cli_trace_of_the_projects_own_migrations(postgres_server_url: str) -> None:
    """Ups in version order, then each down after every later up was rolled back: run in path
    order, the first down would drop storage_locations before lots' up references it."""
    folder = Path(__file__).resolve().parents[2] / "migrations"
    runner = CliRunner(env={"SCRATCH_DATABASE_URL": postgres_server_url})
    result = runner.invoke(lint_command, [str(folder), "--trace", "--format", "json"])
    assert result.exit_code == 0, result.output
    traced = [Path(t["path"]).name for t in json.loads(result.output)["trace"]]
    ups = sorted(p.name for p in folder.glob("*.sql") if not p.name.endswith("_down.sql"))
    downs = [f"{name.removesuffix('.sql')}_down.sql" for name in reversed(ups)]
    assert traced == ups + downs
