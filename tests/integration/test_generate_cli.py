"""`migration-agent generate` end to end, as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.generate.helpers import EXAMPLES

NOW = "2025-12-05T10:30:00Z"


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "schemas")
    return tmp_path


def test_generate_writes_pairs_and_a_snapshot_then_has_nothing_to_do(project: Path) -> None:
    first = run(project, "generate", "--now", NOW)
    assert first.returncode == 0, first.stderr
    assert "New tables: lots, storage_locations; indexes: 10; policies: 2; migrations: 2" in first.stdout
    written = sorted(p.name for p in (project / "migrations").iterdir())
    assert written == [
        "20251205103000_create_storage_locations.sql", "20251205103000_create_storage_locations_down.sql",
        "20251205103001_create_lots.sql", "20251205103001_create_lots_down.sql", "schema.snapshot.json",
    ]
    again = run(project, "generate", "--now", NOW)
    assert again.returncode == 0
    assert "Nothing to generate" in again.stdout
    assert sorted(p.name for p in (project / "migrations").iterdir()) == written


def test_a_new_table_gets_a_later_version_and_old_files_stay_untouched(project: Path) -> None:
    assert run(project, "generate", "--now", NOW).returncode == 0
    old = {p.name: p.read_bytes() for p in (project / "migrations").glob("*.sql")}
    (project / "schemas" / "suppliers.yaml").write_text(
        "version: 1\nentity: Supplier\ntable: suppliers\nproperties:\n  name:\n    type: text\n")
    result = run(project, "generate", "--now", "2020-01-01T00:00:00Z")
    assert result.returncode == 0, result.stderr
    new = sorted(set(p.name for p in (project / "migrations").glob("*.sql")) - set(old))
    assert new == ["20251205103002_create_suppliers.sql", "20251205103002_create_suppliers_down.sql"]
    assert {name: (project / "migrations" / name).read_bytes() for name in old} == old
    assert "CREATE FUNCTION" not in (project / "migrations" / new[0]).read_text()


def test_bad_input_exits_2_lists_every_error_and_writes_nothing(project: Path) -> None:
    lots = project / "schemas" / "lots.yaml"
    lots.write_text(lots.read_text().replace("on_delete: SET NULL", "on_delete: SOMETIMES")
                    .replace("type: jsonb", "type: jsonish"))
    result = run(project, "generate", "--now", NOW)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("schemas/lots.yaml:") and "storage_location_id.references.on_delete" in line
               for line in lines)
    assert any("properties.attributes.type: must be one of" in line for line in lines)
    assert "Traceback" not in result.stderr
    assert not (project / "migrations").exists()


def test_bad_clock_is_a_usage_error(project: Path) -> None:
    result = run(project, "generate", "--now", "yesterday")
    assert result.returncode == 2
    assert "--now 'yesterday' is not an ISO 8601 time" in result.stderr


@pytest.mark.integration
def test_generate_verify_proves_up_down_up_on_a_scratch_database(project: Path, postgres_server_url: str) -> None:
    result = run(project, "generate", "--now", NOW, "--verify",
                 env={"SCRATCH_DATABASE_URL": postgres_server_url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verification passed" in result.stdout
    assert "ok   Down restores before, up again gives after" in result.stdout
    assert "ok   Tenant isolation (RLS)" in result.stdout


@pytest.mark.integration
def test_a_configured_server_means_nothing_embedded_starts(project: Path, postgres_server_url: str) -> None:
    data_dir = project / "agent-data"
    result = run(project, "--data-dir", str(data_dir), "generate", "--now", NOW, "--verify", "--rows", "50",
                 env={"SCRATCH_DATABASE_URL": postgres_server_url, "DATABASE_URL": postgres_server_url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verification passed" in result.stdout
    assert not (data_dir / "postgres").exists()
    assert not (data_dir / "postgres.json").exists()


@pytest.mark.integration
def test_a_verified_generate_is_remembered_and_a_diff_from_memory_equals_the_explicit_one(
        tmp_path: Path, postgres_server_url: str, fresh_database_url: str) -> None:
    """Memory in a database of its own: other tests remember other tables."""
    evolution = Path(__file__).resolve().parents[1] / "diff" / "evolution"
    env = {"DATABASE_URL": fresh_database_url, "SCRATCH_DATABASE_URL": postgres_server_url}
    first = run(tmp_path, "generate", str(evolution / "v1"), "--dir", "m1", "--now", NOW, "--verify", "--rows", "50",
                env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    later = "2026-02-01T00:00:00Z"
    remembered = run(tmp_path, "diff", "--from-memory", "--to", str(evolution / "v2"), "--dir", "m2",
                     "--allow-destructive", "--now", later, env=env)
    explicit = run(tmp_path, "diff", "--from", str(evolution / "v1"), "--to", str(evolution / "v2"), "--dir", "m3",
                   "--allow-destructive", "--now", later, env=env)
    assert remembered.returncode == explicit.returncode == 0, remembered.stderr + explicit.stderr
    names = sorted(p.name for p in (tmp_path / "m2").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "m3").iterdir()) and len(names) == 11
    assert all((tmp_path / "m2" / n).read_bytes() == (tmp_path / "m3" / n).read_bytes() for n in names)
