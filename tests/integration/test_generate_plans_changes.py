"""`generate` plans any change of schemas/: a user never has to know which command a change needs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.generate.helpers import EXAMPLES
from tests.integration.test_generate_cli import run

STOCK_MOVEMENTS = """\
version: 1
entity: StockMovement
table: stock_movements
tenant_scoped: true
audit: true
primary_key: movement_id
properties:
  lot_id:
    type: uuid
    required: true
    references: {table: lots, on_delete: RESTRICT, reason: a movement belongs to a lot}
  quantity:
    type: integer
    required: true
    minimum: 1
"""


@pytest.fixture
def project(tmp_path: Path, postgres_server_url: str, fresh_database_url: str) -> tuple[Path, dict[str, str]]:
    shutil.copytree(EXAMPLES, tmp_path / "schemas")
    env = {"DATABASE_URL": fresh_database_url, "SCRATCH_DATABASE_URL": postgres_server_url}
    first = run(tmp_path, "generate", "--now", "2026-12-06T10:00:00Z", env=env)
    assert first.returncode == 0, first.stderr
    return tmp_path, env


def migration_files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((folder / "migrations").glob("*.sql"))}


@pytest.mark.integration
def test_a_new_table_with_a_same_tenant_key_to_lots_is_planned_and_verified_by_generate(
        project: tuple[Path, dict[str, str]]) -> None:
    folder, env = project
    (folder / "schemas" / "stock-movements.yaml").write_text(STOCK_MOVEMENTS)
    result = run(folder, "generate", "--verify", "--rows", "100", "--now", "2026-12-06T11:00:00Z", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("Changed: lots gets UNIQUE (tenant_id, lot_id), which the same-tenant key from stock_movements "
            "needs (built concurrently)") in result.stdout
    assert "Verification passed" in result.stdout
    files = migration_files(folder)
    assert "CREATE UNIQUE INDEX CONCURRENTLY" in files["20261206110001_index_lots.sql"]
    assert "stock_movements" in files["20261206110002_link_stock_movements.sql"]


@pytest.mark.integration
def test_a_length_change_is_planned_and_the_dry_run_prints_what_a_run_then_writes(
        project: tuple[Path, dict[str, str]]) -> None:
    folder, env = project
    lots = folder / "schemas" / "lots.yaml"
    lots.write_text(lots.read_text().replace("max_length: 50", "max_length: 80", 1))
    before = migration_files(folder)
    snapshot = (folder / "migrations" / "schema.snapshot.json").read_bytes()
    dry = run(folder, "generate", "--dry-run", "--now", "2026-12-06T12:00:00Z", env=env)
    assert dry.returncode == 0, dry.stderr
    assert migration_files(folder) == before
    assert (folder / "migrations" / "schema.snapshot.json").read_bytes() == snapshot
    assert "Changed: lots column lot_number changes type from VARCHAR(50) to VARCHAR(80)" in dry.stdout
    assert "20261206120000_expand_lots.sql (phase expand, deploy before-app, in one transaction)" in dry.stdout
    real = run(folder, "generate", "--verify", "--rows", "100", "--now", "2026-12-06T12:00:00Z", env=env)
    assert real.returncode == 0, real.stdout + real.stderr
    written = {name: text for name, text in migration_files(folder).items() if name not in before}
    assert sorted(written) == ["20261206120000_expand_lots.sql", "20261206120000_expand_lots_down.sql"]
    assert all(text.rstrip("\n") in dry.stdout for text in written.values())


@pytest.mark.integration
def test_a_narrowing_is_refused_naming_the_table_the_change_and_why(project: tuple[Path, dict[str, str]]) -> None:
    folder, env = project
    lots = folder / "schemas" / "lots.yaml"
    lots.write_text(lots.read_text().replace("max_length: 50", "max_length: 30", 1))
    refused = run(folder, "generate", "--now", "2026-12-06T12:00:00Z", env=env)
    assert refused.returncode == 2
    assert ("lots.lot_number narrows from VARCHAR(50) to VARCHAR(30): destructive; rerun with "
            "--allow-destructive") in refused.stderr
    allowed = run(folder, "generate", "--allow-destructive", "--dry-run", "--now", "2026-12-06T12:00:00Z", env=env)
    assert allowed.returncode == 0 and "contract_lots.sql (phase contract, deploy after-app" in allowed.stdout


@pytest.mark.integration
def test_the_whole_folder_verifies_after_columns_were_added_to_a_table(project: tuple[Path, dict[str, str]]) -> None:
    """A column added by a later migration sits at the end of the table (moving it would rewrite
    the table); verifying the whole folder from empty, as the README's first command does, must
    not call that a difference from the YAML."""
    folder, env = project
    lots = folder / "schemas" / "lots.yaml"
    lots.write_text(lots.read_text().replace("\nproperties:\n", "\nproperties:\n  note:\n    type: text\n", 1))
    added = run(folder, "generate", "--verify", "--rows", "50", "--now", "2026-12-06T13:00:00Z", env=env)
    assert added.returncode == 0, added.stdout + added.stderr
    whole = run(folder, "generate", "--verify", "--rows", "50", env=env)
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert "Nothing to generate" in whole.stdout and "Verification passed" in whole.stdout
