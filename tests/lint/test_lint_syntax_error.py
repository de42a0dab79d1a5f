"""A file that does not parse is one MA000 finding; the run goes on and exits 2 at the end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agent.lint.command import lint_command
from agent.lint.parallel import lint_and_render, lint_texts
from agent.lint.render import FORMATS, render

GOOD = "CREATE TABLE lots (lot_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sku text);\n"
BAD = "SELECT 1;\nCREATE TABEL x ();\n"
LATER = "CREATE INDEX idx_lots_sku ON lots (sku);\n"


def _folder(tmp_path: Path) -> Path:
    for name, text in [("001_lots.sql", GOOD), ("002_typo.sql", BAD), ("003_index.sql", LATER)]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("output_format", list(FORMATS))
def test_unparsable_file_is_a_finding_and_the_run_goes_on_then_exits_2(
    tmp_path: Path, output_format: str
) -> None:
    folder = _folder(tmp_path)
    result = CliRunner().invoke(lint_command, [str(folder), "--format", output_format])
    assert result.exit_code == 2, result.output
    assert "MA000" in result.output
    assert "MA101" in result.output  # the file after the bad one was linted
    assert "002_typo.sql" in result.output


def test_text_output_names_the_position_and_ends_with_the_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(lint_command, [str(_folder(tmp_path))])
    assert "002_typo.sql:2:8: error MA000 syntax-error: syntax error at or near" in result.output
    last = result.output.rstrip().splitlines()[-1]
    assert last.endswith("in 3 file(s), 1 of which did not parse")


def test_json_gives_the_position_and_the_statement_count_of_every_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(lint_command, [str(_folder(tmp_path)), "--format", "json"])
    data = json.loads(result.output)
    files = data["files"]
    assert data["summary"]["unparsed"] == 1
    (finding,) = files[1]["findings"]
    assert (finding["code"], finding["line"], finding["column"]) == ("MA000", 2, 8)
    assert finding["statement"] is None and files[1]["statements"] == 0
    assert [f["statements"] for f in files] == [1, 0, 1]


def test_only_warnings_besides_a_syntax_error_still_exit_2(tmp_path: Path) -> None:
    (tmp_path / "1.sql").write_text("CREATE TABLE t (t_id bigint PRIMARY KEY, payload json);\n")
    (tmp_path / "2.sql").write_text("SELEC 1;\n")
    result = CliRunner().invoke(lint_command, [str(tmp_path), "--disable", "MA000"])
    assert result.exit_code == 2 and "MA000" in result.output


def test_sql_too_deep_for_the_parser_is_a_finding_at_the_start(tmp_path: Path) -> None:
    (tmp_path / "1.sql").write_text("SELECT " + "+".join(["1"] * 20_000) + ";\n")
    result = CliRunner().invoke(lint_command, [str(tmp_path)])
    assert result.exit_code == 2
    assert "1.sql:1:1: error MA000 syntax-error: stack depth limit exceeded" in result.output


@pytest.mark.parametrize("bad", [0, 1, 2])
def test_workers_report_syntax_errors_as_one_process_does(bad: int, tmp_path: Path) -> None:
    files = [(str(tmp_path / f"{i}.sql"), LATER if i % 2 else GOOD) for i in range(6)]
    files[bad * 2] = (files[bad * 2][0], "SELEC 1;")
    for path, text in files:
        Path(path).write_text(text, encoding="utf-8")
    one = lint_texts(files, workers=1)
    assert [f.code for f in one.files[bad * 2].findings] == ["MA000"]
    assert one.summary().unparsed == 1
    for output_format in FORMATS:
        assert render(lint_texts(files, workers=3), output_format) == render(one, output_format)
        summary, pieces = lint_and_render([p for p, _ in files], output_format, workers=3)
        assert "".join(pieces) == render(one, output_format) and summary == one.summary()


def test_a_file_that_does_not_parse_leaves_the_catalog_alone() -> None:
    files = [("1.sql", "CREATE TABLE lots (a int);\nCREATE INDEX i ON lots (a);\nSELEC;"),
             ("2.sql", "DROP INDEX i;")]
    messages = [f.message for f in lint_texts(files, workers=1).files[1].findings]
    assert messages and not any("on lots" in m for m in messages)  # nothing of file 1 ran


def test_trace_is_skipped_when_a_file_does_not_parse(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = CliRunner().invoke(lint_command, [str(folder), "--trace", "--format", "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert "trace" not in data and data["summary"]["unparsed"] == 1
