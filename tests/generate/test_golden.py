"""The example schemas render to exactly the committed files (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.generate.helpers import examples, generate

GOLDEN = Path(__file__).parent / "golden"
EXPECTED_FILES = [
    "20251205103000_create_storage_locations.sql",
    "20251205103000_create_storage_locations_down.sql",
    "20251205103001_create_lots.sql",
    "20251205103001_create_lots_down.sql",
]


def _rendered() -> dict[str, str]:
    return {f.name: f.content for f in generate(examples()).files()}


def test_examples_give_one_pair_per_table_in_foreign_key_order() -> None:
    assert list(_rendered()) == EXPECTED_FILES


@pytest.mark.parametrize("name", EXPECTED_FILES)
def test_file_matches_golden(name: str) -> None:
    content = _rendered()[name]
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(content)
    assert content == golden.read_text()


def test_same_input_and_clock_give_byte_identical_output() -> None:
    assert _rendered() == _rendered()


@pytest.mark.parametrize("name", EXPECTED_FILES)
def test_the_committed_migrations_folder_holds_what_the_examples_render_to(name: str) -> None:
    """migrations/ is what the README's main command verifies: a change to the rendering (a down
    migration's backup, say) must reach it too, or the command checks files the agent no longer writes."""
    assert (Path(__file__).parents[2] / "migrations" / name).read_text() == _rendered()[name]
