"""A unique constraint that running code may name is known by an earlier file's UNIQUE, whatever
its name (MA215, MA216), and stops being one when that file's successors drop it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agent.lint.command import lint_command

CREATE = "CREATE TABLE lots (lot_id bigint PRIMARY KEY, sku text, CONSTRAINT lots_sku UNIQUE (sku));\n"


def _last_codes(folder: Path, *files: str) -> list[str]:
    for number, text in enumerate(files):
        (folder / f"{number + 1}_step.sql").write_text(text, encoding="utf-8")
    paths = sorted(str(p) for p in folder.iterdir())
    report = json.loads(CliRunner().invoke(lint_command, ["--format", "json", *paths]).output)
    return [f["code"] for f in report["files"][-1]["findings"]]


@pytest.mark.parametrize(("change", "code"), [
    ("ALTER TABLE lots RENAME CONSTRAINT lots_sku TO lots_sku_unique;", "MA215"),
    ("ALTER TABLE lots DROP CONSTRAINT lots_sku;", "MA216"),
])
def test_a_unique_constraint_an_earlier_file_added_is_known_by_any_name(
        tmp_path: Path, change: str, code: str) -> None:
    assert code in _last_codes(tmp_path, CREATE, change)


@pytest.mark.parametrize(("change", "code"), [
    ("ALTER TABLE lots RENAME CONSTRAINT lots_sku TO lots_sku_unique;", "MA215"),
    ("ALTER TABLE lots DROP CONSTRAINT lots_sku;", "MA216"),
])
def test_without_the_earlier_file_the_name_alone_does_not_say_unique(tmp_path: Path, change: str, code: str) -> None:
    assert code not in _last_codes(tmp_path, change)


def test_a_renamed_unique_constraint_is_followed(tmp_path: Path) -> None:
    codes = _last_codes(tmp_path, CREATE, "-- agent:destructive\nALTER TABLE lots RENAME CONSTRAINT lots_sku TO s;\n",
                        "ALTER TABLE lots DROP CONSTRAINT s;")
    assert "MA216" in codes


def test_a_dropped_unique_constraint_is_forgotten(tmp_path: Path) -> None:
    codes = _last_codes(tmp_path, CREATE, "-- agent:destructive\nALTER TABLE lots DROP CONSTRAINT lots_sku;\n"
                        "ALTER TABLE lots ADD CONSTRAINT lots_sku CHECK (sku <> '');\n",
                        "ALTER TABLE lots DROP CONSTRAINT lots_sku;")
    assert "MA216" not in codes


@pytest.mark.parametrize(("change", "code"), [
    ("ALTER TABLE lots RENAME CONSTRAINT lots_sku TO lots_sku_unique;", "MA215"),
    ("ALTER TABLE lots DROP CONSTRAINT lots_sku;", "MA216"),
])
def test_a_file_deployed_after_the_application_breaks_no_running_code(tmp_path: Path, change: str,
                                                                      code: str) -> None:
    """The planner's contract files (`agent:deploy after-app`) run once the application no longer
    relies on what they rename or drop (the tenant-scoping diff drops the old per-tenant unique)."""
    assert code not in _last_codes(tmp_path, CREATE, f"-- agent:deploy after-app\n{change}\n")
