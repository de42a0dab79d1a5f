"""Exported layouts read back: file names and up/down contents as each tool expects them."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from agent.cli import app
from agent.migrate.discovery import discover
from tests.generate.helpers import REPO


def export(layout: str, target: Path) -> dict[str, str]:
    result = CliRunner().invoke(app, ["export", "--format", layout, "-o", str(target),
                                      "--dir", str(REPO / "migrations")])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_text() for p in sorted(target.iterdir())}


def test_golang_migrate_pairs_up_and_down_files(tmp_path: Path) -> None:
    files = export("golang-migrate", tmp_path / "out")
    originals = discover(REPO / "migrations")
    pattern = re.compile(r"(\d+)_(\w+)\.(up|down)\.sql")
    parsed = {pattern.fullmatch(name).groups(): text for name, text in files.items()}  # type: ignore[union-attr]
    for original in originals:
        assert parsed[(original.version, original.slug, "up")] == original.up_sql
        assert parsed[(original.version, original.slug, "down")] == original.down_sql


def test_dbmate_holds_both_directions_in_one_file(tmp_path: Path) -> None:
    files = export("dbmate", tmp_path / "out")
    for original in discover(REPO / "migrations"):
        text = files[f"{original.version}_{original.slug}.sql"]
        up, down = text.split("-- migrate:down", 1)
        assert up.startswith("-- migrate:up\n")
        assert up.removeprefix("-- migrate:up\n").strip() == original.up_sql.strip()
        assert down.strip() == (original.down_sql or "").strip()


def test_flyway_versioned_and_undo_files(tmp_path: Path) -> None:
    files = export("flyway", tmp_path / "out")
    assert sorted(files) == [
        "U20251205103000__create_storage_locations.sql", "U20251205103001__create_lots.sql",
        "V20251205103000__create_storage_locations.sql", "V20251205103001__create_lots.sql",
    ]


def test_export_never_overwrites(tmp_path: Path) -> None:
    export("flyway", tmp_path / "out")
    result = CliRunner().invoke(app, ["export", "--format", "flyway", "-o", str(tmp_path / "out"),
                                      "--dir", str(REPO / "migrations")])
    assert result.exit_code == 2
