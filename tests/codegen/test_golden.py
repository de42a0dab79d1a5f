"""Every target's output for the repo's schemas/, pinned by golden files (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import os
import shutil

import pytest

from agent.codegen import TARGETS, CodegenOptions, render
from tests.codegen.helpers import GOLDEN, example_schema, golden_files, rendered, write_files


def test_golden_files_match() -> None:
    files = rendered()
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        write_files(GOLDEN, files)
    assert sorted(golden_files()) == sorted(files)
    for path, text in files.items():
        assert golden_files()[path] == text, f"{path} differs from its golden file; UPDATE_GOLDEN=1 rewrites it"


@pytest.mark.parametrize("target", list(TARGETS))
def test_every_target_has_golden_files(target: str) -> None:
    assert any(path.startswith(f"{target}/") for path in golden_files())


def test_output_is_byte_identical_across_runs() -> None:
    assert rendered() == rendered()


def test_seed_options_change_the_rows_and_nothing_else() -> None:
    schema = example_schema()
    base = render(schema, ["seed"], CodegenOptions())
    other_seed = render(schema, ["seed"], CodegenOptions(seed=7))
    assert base.keys() == other_seed.keys() == {"seed/dev.sql", "seed/staging.sql"}
    assert base["seed/dev.sql"] != other_seed["seed/dev.sql"]
    more = render(schema, ["seed"], CodegenOptions(rows=12))["seed/dev.sql"]
    assert more.count("'LC1-") == 12


def test_decimal_number_option() -> None:
    files = render(example_schema(), ["ts", "typeorm"], CodegenOptions(decimal="number"))
    assert "  quantity: number;" in files["ts/lot.ts"]
    assert "transformer: decimalToNumber" in files["typeorm/lot.entity.ts"]
    assert "  quantity: string;" in rendered()["ts/lot.ts"]
