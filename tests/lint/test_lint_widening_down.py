"""The planner's down of a widening narrows the column back: that narrowing is what rolling back
chooses, so it carries a reasoned MA108 ignore, while a hand-written narrowing is still MA108."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from agent.jobs.generate import generate_migrations
from agent.lint.command import lint_command
from agent.schema import load_schema_sources
from agent.schema.tables import Schema
from tests.diff.test_change_kinds import BASE, PARENT, POLICY, diff

WIDER_CODE = BASE.replace("max_length: 20", "max_length: 40")
MORE_VALUES = BASE.replace("values: [NEW, DONE]", "values: [NEW, DONE, ARCHIVED]")


def _lint(new_items: str, folder: Path) -> dict[str, dict[str, Any]]:
    """The first migrations (so lint knows the old type), then the change, as `lint DIR/*.sql`."""
    old_items = BASE + POLICY if POLICY in new_items else BASE
    first = load_schema_sources({"items.yaml": old_items, "owners.yaml": PARENT})
    for new in [*generate_migrations(first, Schema(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), []).files(),
                *diff(new_items).files()]:
        (folder / new.name).write_text(new.content, encoding="utf-8")
    paths = sorted(str(p) for p in folder.iterdir())
    result = CliRunner().invoke(lint_command, ["--format", "json", *paths])
    return {Path(f["path"]).name: f for f in json.loads(result.output)["files"]}


@pytest.mark.parametrize("new_items", [WIDER_CODE, MORE_VALUES], ids=["varchar", "enum"])
def test_the_planners_down_of_a_widening_suppresses_ma108_with_its_reason(new_items: str, tmp_path: Path) -> None:
    files = _lint(new_items, tmp_path)
    down = next(f for name, f in files.items() if name.endswith("expand_items_down.sql"))
    # the checks it adds back are checked during the narrowing's rewrite: no MA104 either
    assert not {"MA104", "MA108"} & {f["code"] for f in down["findings"]}
    assert [s["code"] for s in down["suppressed"]] == ["MA108"]
    assert "rolling back" in down["suppressed"][0]["reason"]
    assert all(s["code"] == "MA108" for f in files.values() for s in f["suppressed"])


def test_the_planners_widening_of_a_varchar_lints_clean_both_ways(tmp_path: Path) -> None:
    assert all(f["findings"] == [] for f in _lint(WIDER_CODE, tmp_path).values())


def test_a_down_whose_narrowing_sits_in_a_do_block_carries_no_stale_ignore(tmp_path: Path) -> None:
    files = _lint(MORE_VALUES + POLICY, tmp_path)
    assert all(f["suppressed"] == [] for f in files.values())
    assert "MA108" not in json.dumps([f["findings"] for f in files.values()])


def test_the_ups_widening_carries_no_ignore() -> None:
    up = "\n".join(m.up_sql for m in diff(WIDER_CODE).migrations)
    assert "agent:ignore" not in up


def test_a_hand_written_narrowing_is_still_ma108(tmp_path: Path) -> None:
    (tmp_path / "1_create.sql").write_text("CREATE TABLE items (code varchar(40));\n", encoding="utf-8")
    (tmp_path / "2_narrow.sql").write_text("ALTER TABLE items ALTER COLUMN code TYPE varchar(20);\n",
                                           encoding="utf-8")
    result = CliRunner().invoke(lint_command, ["--format", "json", *sorted(map(str, tmp_path.iterdir()))])
    found = [f["code"] for f in json.loads(result.output)["files"][1]["findings"]]
    assert "MA108" in found
