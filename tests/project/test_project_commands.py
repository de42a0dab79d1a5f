"""The commands read the project file: flags override it, it overrides the defaults."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.generate.helpers import EXAMPLES
from tests.integration.test_generate_cli import run

TEMPLATE_TABLE = Path(__file__).resolve().parents[2] / "agent" / "project" / "templates" / "customers.yaml"

NOW = "2026-12-06T10:00:00Z"
UNPLACED_LOCK = "BEGIN;\nALTER TABLE customers ADD COLUMN note text;\nCOMMIT;\n"


def test_lint_disable_in_the_project_file_silences_the_rule_and_a_flag_overrides_it(tmp_path: Path) -> None:
    (tmp_path / "m.sql").write_text(UNPLACED_LOCK)
    assert "MA401" in run(tmp_path, "lint", "m.sql").stdout
    (tmp_path / "migration-agent.toml").write_text('[lint]\ndisable = ["MA401"]\n')
    quiet = run(tmp_path, "lint", "m.sql")
    assert quiet.returncode == 0 and "MA401" not in quiet.stdout
    flagged = run(tmp_path, "lint", "m.sql", "--disable", "MA999-not-a-rule")
    assert flagged.returncode == 2  # the flag replaced the file's list (and names an unknown rule)


def test_lint_severity_and_exclude_come_from_the_project_file(tmp_path: Path) -> None:
    (tmp_path / "m.sql").write_text(UNPLACED_LOCK)
    (tmp_path / "legacy.sql").write_text(UNPLACED_LOCK)
    (tmp_path / "migration-agent.toml").write_text(
        '[lint]\nexclude = ["legacy.sql"]\nseverity = { MA401 = "warning" }\n')
    result = run(tmp_path, "lint", ".")
    assert result.returncode == 0, result.stdout
    assert "m.sql:2:1: warning MA401" in result.stdout and "legacy.sql" not in result.stdout


def test_a_literal_password_stops_every_command_with_exit_2_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "migration-agent.toml").write_text('[databases.staging]\nurl = "postgresql://a:pw@db/x"\n')
    for command in (["lint", "x.sql"], ["generate"]):
        result = run(tmp_path, *command)
        assert result.returncode == 2
        assert "migration-agent.toml: databases.staging.url: holds a literal password" in result.stderr
        assert "pw@" not in result.stderr


def test_a_named_database_resolves_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "migration-agent.toml").write_text('[databases.staging]\nurl = "${STAGING_URL}"\n')
    unset = run(tmp_path, "migrate", "status", "--database-url", "staging", env={"STAGING_URL": ""})
    assert unset.returncode == 2 and "databases.staging.url" in unset.stderr
    bad = run(tmp_path, "migrate", "status", "--database-url", "staging", env={"STAGING_URL": "mysql://x"})
    assert bad.returncode == 2 and "must start with postgresql://" in bad.stderr
    unknown = run(tmp_path, "migrate", "status", "--database-url", "qa")
    assert unknown.returncode == 2 and "no database named 'qa'" in unknown.stderr


def test_folders_and_tenant_settings_come_from_the_file(tmp_path: Path) -> None:
    (tmp_path / "yaml").mkdir()
    shutil.copy(TEMPLATE_TABLE, tmp_path / "yaml")
    (tmp_path / "migration-agent.toml").write_text(
        'schemas_dir = "yaml"\nmigrations_dir = "db/migrations"\ntenant_column = "org_id"\n')
    nested = tmp_path / "src"
    nested.mkdir()
    result = run(nested, "generate", "--now", NOW)
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "db" / "migrations" / "20261206100000_create_customers.sql").read_text()
    assert "org_id UUID NOT NULL" in written and "tenant_id UUID" not in written


def test_project_yaml_and_the_project_file_may_not_disagree(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "schemas")
    (tmp_path / "migration-agent.toml").write_text('tenant_column = "org_id"\n')
    result = run(tmp_path, "generate", "--now", NOW)
    assert result.returncode == 2
    assert "project.tenant.column: is 'tenant_id', but the project file (migration-agent.toml) says 'org_id'" \
        in result.stderr


@pytest.mark.integration
def test_init_then_generate_verify_succeeds(tmp_path: Path, postgres_server_url: str,
                                            fresh_database_url: str) -> None:
    env = {"DATABASE_URL": fresh_database_url, "SCRATCH_DATABASE_URL": postgres_server_url}
    assert run(tmp_path, "init").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["migration-agent.toml", "schemas"]
    result = run(tmp_path, "generate", "--verify", "--rows", "50", "--now", NOW, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verification passed" in result.stdout
    assert (tmp_path / "migrations" / "20261206100000_create_customers.sql").is_file()
    again = run(tmp_path, "init")
    assert again.returncode == 2 and "already exists" in again.stderr
