"""Schema errors through the CLI: every pass's errors in one run, "did you mean", paths as the
user names the folder, the column of the offending value, a missing folder said plainly, and
colour only on a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TYPES = ("'uuid', 'string', 'text', 'smallint', 'integer', 'bigint', 'decimal', 'float', 'double', 'boolean', "
         "'date', 'time', 'timestamp', 'interval', 'json', 'jsonb', 'bytea', 'inet', 'enum', 'array' or 'custom'")
SUPPLIERS = ("version: 1\nentity: Supplier\ntable: suppliers\nproperties:\n  name:\n    type: strng\n"
             "    required: true\nindexes:\n  - columns: [name]\n")
PARTS = ("version: 1\nentity: Part\ntable: parts\nproperties:\n  lot_id:\n    type: uuid\n    references:\n"
         "      table: lotz\n      on_delete: CASCADE\n      reason: a part goes with its lot\n"
         "  broken_id:\n    type: uuid\n    references: {table: broken, on_delete: CASCADE, reason: y}\n")
BROKEN = "version: 1\nentity: [Broken\n"


def run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "agent", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, env={**environment, "PYTHONPATH": str(Path(__file__).parents[2]), **env})


@pytest.fixture
def three_mistakes(tmp_path: Path) -> Path:
    """A type typo, a reference to a table no file defines, and a file that is not YAML: each
    stopped the run on its own before (a pass with errors ended it)."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "suppliers.yaml").write_text(SUPPLIERS)
    (schemas / "parts.yaml").write_text(PARTS)
    (schemas / "broken.yaml").write_text(BROKEN)
    return tmp_path


def test_three_mistakes_are_reported_together(three_mistakes: Path) -> None:
    result = run(three_mistakes, "generate", "schemas")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "schemas/broken.yaml:3:1 YAML syntax: expected ',' or ']', but got '<stream end>'",
        "schemas/parts.yaml:8:14 properties.lot_id.references.table: references unknown table 'lotz'",
        f"schemas/suppliers.yaml:6:11 properties.name.type: must be one of {TYPES}; did you mean string?",
        "migration-agent: 3 error(s) in schemas; nothing was written",
    ]
    assert not (three_mistakes / "migrations").exists()


def test_an_absolute_folder_inside_the_working_directory_is_shown_relative(three_mistakes: Path) -> None:
    result = run(three_mistakes, "generate", str(three_mistakes / "schemas"))
    assert "\nschemas/parts.yaml:8:14 " in result.stderr
    assert str(three_mistakes) not in result.stderr


def test_a_misspelt_key_is_pointed_at_and_the_right_one_named(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "parts.yaml").write_text(
        "version: 1\nentity: Part\ntable: parts\nproperties:\n  code:\n    type: string\n    max_lenght: 20\n")
    result = run(tmp_path, "generate")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "schemas/parts.yaml:7:5 properties.code.max_lenght: unknown key; did you mean max_length?")


def test_a_missing_folder_is_named_as_missing(tmp_path: Path) -> None:
    result = run(tmp_path, "generate", "nonexistent")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["migration-agent: no such directory: nonexistent"]


def test_an_empty_folder_is_said_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    result = run(tmp_path, "generate")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "schemas: no entity files found", "migration-agent: 1 error(s) in schemas; nothing was written"]


def test_errors_are_red_on_a_terminal(three_mistakes: Path) -> None:
    result = run(three_mistakes, "generate", "schemas", FORCE_COLOR="1", TERM="xterm-256color")
    assert result.returncode == 2
    assert "schemas/parts.yaml:8:14 \x1b[31mproperties.lot_id.references.table" in result.stderr


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1", "FORCE_COLOR": "1", "TERM": "xterm-256color"}],
                         ids=["piped", "NO_COLOR"])
def test_no_colour_when_piped_or_with_no_color(three_mistakes: Path, env: dict[str, str]) -> None:
    result = run(three_mistakes, "generate", "schemas", **env)
    assert result.returncode == 2
    assert "references unknown table 'lotz'" in result.stderr
    assert "\x1b[" not in result.stderr


def test_a_refused_plan_names_the_file_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    items = tmp_path / "schemas" / "items.yaml"
    items.write_text("version: 1\nentity: Item\ntable: items\ntenant_scoped: false\n"
                     "properties:\n  name:\n    type: text\n")
    assert run(tmp_path, "generate", "--now", "2025-01-01T00:00:00Z").returncode == 0
    items.write_text(items.read_text().replace("tenant_scoped: false", "tenant_scoped: true"))
    result = run(tmp_path, "generate", "--now", "2025-01-02T00:00:00Z")
    assert result.returncode == 2
    assert result.stderr.startswith("migration-agent: schemas/items.yaml:4:16 tenant_scoped: items: tenant_scoped "
                                    "turns on for a table that may hold rows")
