"""The project file: found by walking up, validated, its secrets only environment references."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.project.file import ProjectFileError, find_project, load_project_file
from agent.project.locate import locate_project_file


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_nearest_file_walking_up_wins_and_paths_are_relative_to_it(tmp_path: Path) -> None:
    write(tmp_path, "migration-agent.toml", 'migrations_dir = "db/migrations"\n')
    nested = tmp_path / "services" / "api"
    nested.mkdir(parents=True)
    project = find_project(nested)
    assert project.file == (tmp_path / "migration-agent.toml").resolve()
    assert project.root / project.migrations_dir == tmp_path.resolve() / "db" / "migrations"


def test_pyproject_counts_only_with_a_tool_table(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert locate_project_file(tmp_path) is None
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.migration-agent]\nschemas_dir = "yaml"\n')
    assert find_project(tmp_path).schemas_dir == Path("yaml")


def test_no_file_gives_the_built_in_defaults_and_no_click_defaults(tmp_path: Path) -> None:
    project = find_project(tmp_path)
    assert project.file is None and project.default_map() == {}
    assert project.migrations_dir == Path("migrations")


@pytest.mark.parametrize("url", [
    "postgresql://app:hunter2@db:5432/staging",
    "postgresql://app:hunter2@${DB_HOST}/staging",
    "host=db user=app password=hunter2 dbname=staging",
])
def test_a_literal_password_in_a_database_url_is_refused_naming_the_key(tmp_path: Path, url: str) -> None:
    path = write(tmp_path, "migration-agent.toml", f'[databases.staging]\nurl = "{url}"\n')
    with pytest.raises(ProjectFileError, match=r"databases\.staging\.url: holds a literal password"):
        load_project_file(path)


def test_a_literal_secret_under_any_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "migration-agent.toml", '[service]\nnats_token = "s3cret"\n')
    with pytest.raises(ProjectFileError, match=r"service\.nats_token: holds a literal secret"):
        load_project_file(path)


def test_urls_from_the_environment_resolve_and_a_missing_variable_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "migration-agent.toml",
                 '[databases.staging]\nurl = "postgresql://app:${PGPASS}@db/staging"\n'
                 '[databases.prod]\nurl = "${PROD_URL}"\n')
    project = load_project_file(path)
    assert project.database_url("staging", {"PGPASS": "pw"}) == "postgresql://app:pw@db/staging"
    with pytest.raises(ProjectFileError, match=r"databases\.prod\.url: environment variable PROD_URL is not set"):
        project.database_url("prod", {})
    with pytest.raises(ProjectFileError, match=r"no database named 'qa' in \[databases\] \(named: prod, staging\)"):
        project.database_url("qa", {})


def test_an_unknown_key_or_bad_toml_is_an_error_that_says_where(tmp_path: Path) -> None:
    path = write(tmp_path, "migration-agent.toml", '[lint]\ndisabled = ["MA401"]\n')
    with pytest.raises(ProjectFileError, match=r"migration-agent\.toml: lint\.disabled: Extra inputs"):
        load_project_file(path)
    write(tmp_path, "migration-agent.toml", "schemas_dir = \n")
    with pytest.raises(ProjectFileError, match="not valid TOML"):
        load_project_file(path)


def test_only_what_the_file_sets_becomes_a_click_default(tmp_path: Path) -> None:
    path = write(tmp_path, "migration-agent.toml", '[lint]\ndisable = ["MA401"]\ntool = "goose"\n'
                 '[service]\nconcurrency = 3\n')
    defaults = load_project_file(path).default_map()
    assert defaults["lint"] == {"disable": ("MA401",), "tool_name": "goose"}
    assert defaults["serve"] == {"concurrency": 3}
    assert defaults["generate"] == {}


def test_the_schema_settings_become_project_yaml_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "migration-agent.toml", 'tenant_column = "org_id"\napp_role = "web"\n')
    assert load_project_file(path).schema_defaults() == {"tenant": {"column": "org_id"}, "app_role": "web"}
