"""Several worker processes give the report one process gives, byte for byte once rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.lint.model import Severity
from agent.lint.parallel import UnreadableFileError, lint_and_render, lint_texts
from agent.lint.render import FORMATS, render
from tests.lint.test_lint_dispatch import CORPUS

FILES = [(f"{i:04d}_m{'_down' if i % 17 == 0 else ''}.sql", text) for i, text in enumerate(CORPUS)]


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_give_the_same_report(workers: int) -> None:
    one = lint_texts(FILES, workers=1)
    several = lint_texts(FILES, workers=workers)
    assert [f.statements for f in several.files] == [f.statements for f in one.files]
    for output_format in FORMATS:
        assert render(several, output_format) == render(one, output_format)


def _written(folder: Path, files: list[tuple[str, str]]) -> list[str]:
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name, _ in files]


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_workers_reading_and_rendering_their_own_files_give_the_same_output(
    workers: int, tmp_path: Path
) -> None:
    paths = _written(tmp_path, FILES)
    one = lint_texts([(str(tmp_path / name), text) for name, text in FILES], workers=1)
    for output_format in FORMATS:
        summary, pieces = lint_and_render(paths, output_format, workers=workers)
        assert "".join(pieces) == render(one, output_format)
        assert summary == one.summary()
        assert [summary.fails(s) for s in Severity] == [one.fails(s) for s in Severity]


def test_index_of_an_earlier_chunk_covers_a_later_foreign_key() -> None:
    files = [
        ("001.sql", "CREATE TABLE lots (lot_id bigint PRIMARY KEY, material_id bigint);\n"
                    "CREATE INDEX idx_lots_material_id ON lots (material_id);"),
        ("002.sql", "SET lock_timeout = '2s';\nALTER TABLE lots ADD CONSTRAINT fk FOREIGN KEY "
                    "(material_id) REFERENCES materials (id) ON DELETE RESTRICT NOT VALID;"),
    ]
    codes = [[f.code for f in r.findings] for r in lint_texts(files, workers=2).files]
    assert codes == [[f.code for f in r.findings] for r in lint_texts(files, workers=1).files]
    assert "MA602" not in codes[1]


@pytest.mark.parametrize("unreadable", [0, 2])
def test_first_unreadable_file_in_order_is_raised(
    unreadable: int, tmp_path: Path
) -> None:
    paths = _written(tmp_path, [(f"{i}.sql", "SELECT 1;") for i in range(4)])
    (tmp_path / "1.sql").write_text("SELEC 1;", encoding="utf-8")
    (tmp_path / f"{unreadable}.sql").write_bytes(b"SELECT '\xff';")
    (tmp_path / "3.sql").unlink()
    with pytest.raises(UnreadableFileError) as raised:
        lint_and_render(paths, "json", workers=3)
    assert raised.value.path == paths[unreadable]
