"""Issue 19: table sizes from a real database (embedded PostgreSQL 18). `--database-url`
reads `pg_class.reltuples`; lock and rewrite findings on a table below the threshold are
warnings that say its size, the others stay errors."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from agent.lint.api import lint_project
from agent.lint.command import lint_command
from agent.lint.sizes import SizesUnavailableError, read_table_rows

pytestmark = pytest.mark.integration

SETUP = """
CREATE TABLE settings (setting_id bigint PRIMARY KEY, name text);
INSERT INTO settings SELECT g, 'name ' || g FROM generate_series(1, 40) g;
CREATE TABLE lots (lot_id bigint PRIMARY KEY, sku text);
INSERT INTO lots SELECT g, 'sku ' || g FROM generate_series(1, 20000) g;
CREATE TABLE never_analyzed (id bigint);
ANALYZE settings;
ANALYZE lots;
"""
MIGRATION = ("SET lock_timeout = '2s';\nSET statement_timeout = '1min';\n"
             "CREATE INDEX settings_name_idx ON settings (name);\nCREATE INDEX lots_sku_idx ON lots (sku);\n"
             "CREATE INDEX never_analyzed_id_idx ON never_analyzed (id);\n")


def _ma101(files: list[dict[str, object]]) -> dict[str, tuple[str, str]]:
    found = [f for file in files for f in file["findings"] if f["code"] == "MA101"]  # type: ignore[attr-defined]
    return {f["message"].split()[3]: (f["severity"], f["message"]) for f in found}


async def test_sizes_are_the_databases_estimates(db: asyncpg.Connection, fresh_database_url: str) -> None:
    await db.execute(SETUP)
    rows = read_table_rows(fresh_database_url)
    assert rows["settings"] == 40
    assert 19_000 <= rows["lots"] <= 21_000
    assert "never_analyzed" not in rows  # reltuples -1: size unknown, never thought small
    assert not any(name.startswith("pg_") for name in rows)


async def test_cli_lowers_lock_findings_on_small_tables(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    await db.execute(SETUP)
    path = tmp_path / "20250101000000_indexes.sql"
    path.write_text(MIGRATION, encoding="utf-8")
    result = CliRunner().invoke(lint_command, [str(path), "--format", "json", "--database-url", fresh_database_url])
    assert result.exit_code == 1, result.output  # lots and never_analyzed stay errors
    found = _ma101(json.loads(result.output)["files"])
    assert found["settings"][0] == "warning"
    assert "(settings holds about 40 rows, below the small-table threshold of 10 000, so this is brief)" in found[
        "settings"][1]
    assert found["lots"][0] == "error" and found["never_analyzed"][0] == "error"
    # a higher threshold makes lots small too; a table listed small needs no database
    higher = CliRunner().invoke(lint_command, [str(path), "--format", "json", "--database-url", fresh_database_url,
                                               "--small-table-rows", "100000", "--small-table", "never_analyzed"])
    assert higher.exit_code == 0, higher.output
    assert {name: severity for name, (severity, _) in _ma101(json.loads(higher.output)["files"]).items()} == {
        "settings": "warning", "lots": "warning", "never_analyzed": "warning"}


async def test_the_entry_function_takes_the_same_options(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    await db.execute(SETUP)
    (tmp_path / "20250101000000_indexes.sql").write_text(MIGRATION, encoding="utf-8")
    report = lint_project([str(tmp_path)], database_url=fresh_database_url, small_tables=["lots"])
    severities = {f.message.split()[3]: f.severity.value for f in report.findings if f.code == "MA101"}
    assert severities == {"settings": "warning", "lots": "warning", "never_analyzed": "error"}


def test_an_unreachable_database_is_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "m.sql"
    path.write_text("SELECT 1;\n", encoding="utf-8")
    url = "postgresql://nobody@127.0.0.1:1/none"
    result = CliRunner().invoke(lint_command, [str(path), "--database-url", url])
    assert result.exit_code == 3
    assert "could not read table sizes" in result.output
    with pytest.raises(SizesUnavailableError):
        read_table_rows(url)
