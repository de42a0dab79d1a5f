"""Migration tools as data: each folder under tests/lint/tools/ is linted as its tool runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from agent.lint.command import lint_command
from agent.lint.parallel import lint_texts
from agent.lint.render import FORMATS, render
from agent.lint.tools import TOOLS, detect, in_run_order, tool_named

FOLDERS = Path(__file__).resolve().parent / "tools"
DIESEL = FOLDERS / "diesel" / "migrations"


def _lint(folder: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(lint_command, [str(folder), "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def _found(report: dict[str, object]) -> list[tuple[str, str | None, str]]:
    """(file name, section, code) of every finding."""
    files = report["files"]
    assert isinstance(files, list)
    return [(Path(f["path"]).name if "diesel" not in f["path"] else
             "/".join(Path(f["path"]).parts[-2:]), f.get("section"), finding["code"])
            for f in files for finding in f["findings"]]


@pytest.mark.parametrize(("folder", "tool"), [
    ("goose", "goose"), ("dbmate", "dbmate"), ("golang_migrate", "golang-migrate"),
    ("popx", "popx"), ("diesel", "diesel"), ("flyway", "flyway"), ("prisma", "prisma"),
    ("sqitch", "sqitch"), ("atlas", "atlas"),
])
def test_the_tool_is_detected_and_named_in_every_format(folder: str, tool: str) -> None:
    _, report = _lint(FOLDERS / folder)
    assert report["tool"] == {"name": tool, "chosen": "detected"}
    text = CliRunner().invoke(lint_command, [str(FOLDERS / folder)]).stdout
    assert text.splitlines()[0] == f"migration tool: {tool} (detected from the files; --tool to choose)"
    sarif_output = CliRunner().invoke(lint_command, [str(FOLDERS / folder), "--format", "sarif"])
    sarif = json.loads(sarif_output.stdout)
    assert sarif["runs"][0]["properties"]["migrationTool"] == tool


def test_goose_sections_blocks_and_any_case_no_transaction() -> None:
    code, report = _lint(FOLDERS / "goose")
    assert code == 1
    # the block's last statement needs no semicolon; `no transaction` in lower case counts;
    # the Down section is its own run, so its ALTER does not follow the Up's in one transaction
    # the downs are downs (no MA202, MA201, MA608), linted like any down file
    assert _found(report) == [("20240101120000_create_lots.sql", "down", "MA401")]
    files = report["files"]
    assert isinstance(files, list)
    assert [(Path(f["path"]).name[:14], f["section"], f["statements"]) for f in files] == [
        ("20240101120000", "up", 1), ("20240101120000", "down", 1),
        ("20240102090000", "up", 1), ("20240102090000", "down", 1),
        ("20240103100000", "up", 2), ("20240103100000", "down", 2),
        ("20240104080000", "up", 2), ("20240104080000", "down", 2),
    ]
    assert report["summary"]["files"] == 4  # type: ignore[index]


def test_goose_as_our_runner_would_see_it_is_what_the_field_showed() -> None:
    code, report = _lint(FOLDERS / "goose", "--tool", "ours")
    assert code == 2 and report["tool"] == {"name": "ours", "chosen": "--tool"}
    codes = {c for _, _, c in _found(report)}
    assert {"MA000", "MA301"} <= codes


def test_dbmate_sections_and_transaction_false() -> None:
    _, report = _lint(FOLDERS / "dbmate")
    assert _found(report) == [("20240101120000_create_lots.sql", "down", "MA401")]


def test_golang_migrate_runs_files_without_a_transaction_and_downs_after_their_ups() -> None:
    _, report = _lint(FOLDERS / "golang_migrate")
    found = _found(report)
    # a file of one statement runs outside any transaction; a file of several is sent as one
    # query string, which PostgreSQL runs as one implicit transaction, refusing CONCURRENTLY
    assert [f for f in found if f[2] == "MA301"] == [("000004_lots_sku_lower_idx.up.sql", None, "MA301")]
    # the down narrows what its own up widened: checked after that up, it rewrites the table
    assert ("000003_widen_sku.down.sql", None, "MA108") in found
    assert not [f for f in found if f[0] == "000003_widen_sku.up.sql"]
    files = report["files"]
    assert isinstance(files, list)
    assert [Path(f["path"]).name for f in files] == [
        "000001_create_lots.up.sql", "000001_create_lots.down.sql",
        "000002_lots_sku_idx.up.sql", "000002_lots_sku_idx.down.sql",
        "000003_widen_sku.up.sql", "000003_widen_sku.down.sql",
        "000004_lots_sku_lower_idx.up.sql", "000004_lots_sku_lower_idx.down.sql",
    ]


def test_popx_autocommit_files_run_outside_a_transaction_and_other_databases_are_left_out() -> None:
    _, report = _lint(FOLDERS / "popx")
    found = _found(report)
    assert not [f for f in found if f[2] in ("MA301", "MA000")]
    files = report["files"]
    assert isinstance(files, list)
    assert not [f for f in files if ".mysql." in f["path"]]
    assert [Path(f["path"]).name.split(".", 1)[1] for f in files] == [
        "postgres.up.sql", "postgres.down.sql", "autocommit.up.sql", "autocommit.down.sql",
    ]


def test_diesel_down_files_are_downs_checked_after_their_up() -> None:
    _, report = _lint(FOLDERS / "diesel")
    found = _found(report)
    assert not [f for f in found if f[2] in ("MA202", "MA301")]  # down.sql is a down; metadata.toml
    assert ("2024-01-02-090000_widen_sku/down.sql", None, "MA108") in found
    files = report["files"]
    assert isinstance(files, list)
    assert ["/".join(Path(f["path"]).parts[-1:]) for f in files] == ["up.sql", "down.sql"] * 3


TWO_STATEMENTS = "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY idx_lots_sku ON lots (sku);\n"


@pytest.mark.parametrize(("tool", "name", "text"), [
    ("golang-migrate", "1_idx.up.sql", TWO_STATEMENTS),
    ("popx", "1_idx.autocommit.up.sql", TWO_STATEMENTS),
    ("dbmate", "1_idx.sql", "-- migrate:up transaction:false\n" + TWO_STATEMENTS),
])
def test_a_file_sent_whole_is_one_implicit_transaction_when_it_holds_several_statements(
    tool: str, name: str, text: str
) -> None:
    """Checked against PostgreSQL 18: `SET ...; CREATE INDEX CONCURRENTLY ...` sent as one
    simple query fails with "cannot run inside a transaction block"; alone it runs."""
    report = lint_texts([(name, text)], tool=TOOLS[tool])
    assert [f.code for f in report.findings if f.code == "MA301"] == ["MA301"]
    alone = text.replace("SET lock_timeout = '2s';\n", "")
    assert not [f for f in lint_texts([(name, alone)], tool=TOOLS[tool]).findings if f.code == "MA301"]


def test_goose_no_transaction_sends_statements_one_by_one() -> None:
    text = "-- +goose Up\n-- +goose NO TRANSACTION\n" + TWO_STATEMENTS
    assert not [f for f in lint_texts([("1.sql", text)], tool=TOOLS["goose"]).findings
                if f.code == "MA301"]


def test_metadata_toml_is_what_keeps_diesel_out_of_a_transaction(tmp_path: Path) -> None:
    folder = tmp_path / "migrations" / "2024-01-03-100000_lots_sku_idx"
    folder.mkdir(parents=True)
    (folder / "up.sql").write_text((DIESEL / "2024-01-03-100000_lots_sku_idx" / "up.sql").read_text())
    assert "MA301" in {c for _, _, c in _found(_lint(tmp_path)[1])}
    (folder / "metadata.toml").write_text("# diesel\nrun_in_transaction = false  # CONCURRENTLY\n")
    assert "MA301" not in {c for _, _, c in _found(_lint(tmp_path)[1])}


def test_our_runner_keeps_its_markers_and_names(tmp_path: Path) -> None:
    (tmp_path / "20240101120000_idx.sql").write_text(
        "-- morph:nontransactional\nSET lock_timeout = '2s';\n"
        "CREATE INDEX CONCURRENTLY idx_lots_sku ON lots (sku);\n")
    (tmp_path / "20240101120000_idx_down.sql").write_text("DROP TABLE lots;\n")
    _, report = _lint(tmp_path)
    assert report["tool"] == {"name": "ours", "chosen": "detected"}
    assert not [f for f in _found(report) if f[2] in ("MA301", "MA202")]


def test_unknown_tool_is_refused_naming_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "1.sql").write_text("SELECT 1;\n")
    result = CliRunner().invoke(lint_command, [str(tmp_path), "--tool", "flywya"])
    assert result.exit_code == 2
    assert "no migration tool is called 'flywya'" in result.output and "goose" in result.output


def test_pop_is_popx_and_names_are_any_case() -> None:
    assert tool_named("pop") is TOOLS["popx"] and tool_named("Goose") is TOOLS["goose"]


def test_a_down_file_moves_right_after_its_own_up_and_nothing_else_moves() -> None:
    paths = ["a/2.down.sql", "a/1.down.sql", "a/1.up.sql", "a/3.down.sql", "a/2.up.sql", "b.sql"]
    assert in_run_order(TOOLS["golang-migrate"], paths) == [
        "a/1.up.sql", "a/1.down.sql", "a/3.down.sql", "a/2.up.sql", "a/2.down.sql", "b.sql",
    ]


def test_detection_from_names_then_from_the_first_file() -> None:
    assert detect(["m/1_a.up.sql"], "").name == "golang-migrate"
    assert detect(["m/1_a.postgres.up.sql", "m/1_a.up.sql"], "").name == "popx"
    assert detect(["m/2024_a/up.sql"], "").name == "diesel"
    assert detect(["m/1_a.sql"], "-- +GOOSE UP\nSELECT 1;").name == "goose"
    assert detect(["m/1_a.sql"], "-- migrate:up\nSELECT 1;").name == "dbmate"
    assert detect(["m/1_a.sql"], "SELECT 1; -- +goose Up").name == "ours"


def test_goose_block_without_its_semicolon_and_a_syntax_error_after_it() -> None:
    text = ("-- +goose Up\n-- +goose StatementBegin\nSELECT 1\n-- +goose StatementEnd\n"
            "SELEC 2;\n-- +goose Down\nSELECT 3;\n")
    up, down = lint_texts([("m.sql", text)], tool=TOOLS["goose"]).files
    assert [(f.code, f.line, f.column) for f in up.findings] == [("MA000", 5, 1)]
    assert down.statements == 1 and not down.findings


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_give_the_same_report_for_sectioned_files(workers: int) -> None:
    files = [(str(p), p.read_text()) for p in sorted((FOLDERS / "goose").glob("*.sql"))] * 2
    goose = TOOLS["goose"]
    one = lint_texts(files, workers=1, tool=goose, tool_by="detected")
    several = lint_texts(files, workers=workers, tool=goose, tool_by="detected")
    for output_format in FORMATS:
        assert render(several, output_format) == render(one, output_format)


def test_every_tool_has_a_row_in_the_docs() -> None:
    page = (FOLDERS.parents[2] / "docs" / "lint-tools.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1].strip() for line in page.splitlines() if line.startswith("| `")]
    assert sorted(row.split()[0].strip("`") for row in rows) == sorted(TOOLS)


@pytest.mark.parametrize("output_format", ["text", "json", "github"])
def test_workers_reading_their_own_sectioned_files_give_the_same_output(output_format: str) -> None:
    from agent.lint.parallel import lint_and_render

    paths = [str(p) for p in sorted((FOLDERS / "goose").glob("*.sql"))] * 2
    files = [(p, Path(p).read_text()) for p in paths]
    one = lint_texts(files, workers=1, tool=TOOLS["goose"], tool_by="--tool")
    summary, pieces = lint_and_render(paths, output_format, workers=3, tool=TOOLS["goose"],
                                      tool_by="--tool")
    assert "".join(pieces) == render(one, output_format)
    assert summary == one.summary() and summary.files == 8 and summary.tool == "goose"


def test_flyway_runs_versions_in_numeric_order_undo_after_its_version_repeatables_last() -> None:
    code, report = _lint(FOLDERS / "flyway")
    files = report["files"]
    assert isinstance(files, list)
    assert [Path(f["path"]).name for f in files] == [
        "V1__create_lots.sql", "V2__lots_sku_idx.sql", "V10__widen_sku.sql",
        "U10__widen_sku.sql", "R__lots_by_sku.sql",
    ]
    # a file of CONCURRENTLY alone runs outside a transaction; the undo narrows what V10 widened
    assert _found(report) == [
        ("U10__widen_sku.sql", None, "MA402"), ("U10__widen_sku.sql", None, "MA108"),
    ]
    assert code == 1


def test_flyway_runs_a_file_in_a_transaction_when_nothing_in_it_refuses_one(tmp_path: Path) -> None:
    (tmp_path / "V1__a.sql").write_text("BEGIN;\nCREATE INDEX CONCURRENTLY i ON lots (sku);\nCOMMIT;\n")
    (tmp_path / "V2__b.sql").write_text("DROP INDEX CONCURRENTLY i;\n")
    (tmp_path / "V3__c.sql").write_text(
        "SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN a int;\n"
        "ALTER TABLE lots VALIDATE CONSTRAINT lots_a_check;\n")
    found = _found(_lint(tmp_path)[1])
    assert ("V1__a.sql", None, "MA301") in found  # its own BEGIN still holds it in one
    assert not [f for f in found if f[0] == "V2__b.sql" and f[2] == "MA301"]
    assert ("V3__c.sql", None, "MA304") in found  # a plain file runs in one transaction


_POOL = [
    "CREATE TABLE lots (lot_id bigint PRIMARY KEY, sku text)",
    "INSERT INTO lots VALUES (1, 'crème brûlée')",
    "ALTER TABLE lots ADD COLUMN note text DEFAULT 'naïve'",
    "COMMENT ON TABLE lots IS 'lots — every one'",
    "DROP TABLE lots",
    "SELECT 1",
]


@given(
    up=st.lists(st.sampled_from(_POOL), min_size=1, max_size=4),
    down=st.lists(st.sampled_from(_POOL), max_size=3),
    block=st.booleans(),
)
@example(up=[_POOL[1], _POOL[2]], down=[_POOL[3]], block=True)
def test_goose_sections_keep_the_whole_files_statements_and_positions(
    up: list[str], down: list[str], block: bool
) -> None:
    """Cut into sections and blocks, a file has the statements (with their positions in the
    file, whatever its non-ASCII text) that parsing it whole gives."""
    from agent.lint.source import parse_source

    body = ";\n".join(up)
    if block:  # the up section as one block, its last statement without a semicolon
        body = f"-- +goose StatementBegin\n{body}\n-- +goose StatementEnd"
    else:
        body += ";"
    text = f"-- +goose Up\n{body}\n"
    if down:
        text += "-- +goose Down\n" + ";\n".join(down) + ";\n"
    runs = TOOLS["goose"].runs("m.sql", text)
    # the same text parsed whole, a semicolon in place of the newline that ends the block
    whole = parse_source("m.sql", text.replace("\n-- +goose StatementEnd", ";-- +goose StatementEnd"))
    assert [s.node(skip_none=True) for r in runs for s in r.statements] == [
        s.node(skip_none=True) for s in whole.statements  # with every location in the file
    ]
    assert [r.section for r in runs] == ["up", "down"][: 1 + bool(down)]
    for run in runs:
        starts = [s.start for s in run.statements]
        assert starts == sorted(starts) and all(s.end > s.start for s in run.statements)


def test_prisma_sends_each_migration_whole_without_a_transaction() -> None:
    """migration.sql alone with CONCURRENTLY runs (no transaction of Prisma's); with a second
    statement the string runs as one implicit transaction, which refuses CONCURRENTLY."""
    code, report = _lint(FOLDERS / "prisma")
    files = report["files"]
    assert code == 1 and isinstance(files, list)
    assert [(Path(f["path"]).parent.name, [x["code"] for x in f["findings"]]) for f in files] == [
        ("20240101120000_create_lots", []), ("20240102120000_lots_sku_idx", []),
        ("20240103120000_lots_note", ["MA301"]),
    ]
    _, as_ours = _lint(FOLDERS / "prisma", "--tool", "ours")
    assert ("migration.sql", None, "MA301") in _found(as_ours)  # our runner's transaction


def test_sqitch_runs_the_plans_order_reverts_as_downs_and_leaves_verify_out() -> None:
    code, report = _lint(FOLDERS / "sqitch")
    files = report["files"]
    assert isinstance(files, list)
    # sqitch.plan's order (not the names'), each revert right after its deploy, no verify/
    assert ["/".join(Path(f["path"]).parts[-2:]) for f in files] == [
        "deploy/lots_table.sql", "revert/lots_table.sql", "deploy/lots_sku_idx.sql",
        "revert/lots_sku_idx.sql", "deploy/add_note.sql", "revert/add_note.sql",
    ]
    # scripts run by psql in no transaction of sqitch's: CONCURRENTLY is fine, the revert's
    # DROP COLUMN is a down's (no MA201), and only the unbounded DROP TABLE waits unbounded
    assert _found(report) == [("lots_table.sql", None, "MA401")]
    assert code == 1
    _, as_ours = _lint(FOLDERS / "sqitch", "--tool", "ours")
    assert {"MA301", "MA201"} <= {c for _, _, c in _found(as_ours)}


def test_atlas_runs_each_file_in_a_transaction_unless_txmode_none() -> None:
    _, report = _lint(FOLDERS / "atlas")
    assert report["tool"] == {"name": "atlas", "chosen": "detected"}
    # the second file says `-- atlas:txmode none`; the third does not, so its CONCURRENTLY fails
    assert _found(report) == [("20240103120000_lots_note.sql", None, "MA301")]


@pytest.mark.parametrize(("folder", "tool"), [("golang_migrate", "golang-migrate"), ("goose", "goose"),
                                               ("flyway", "flyway"), ("atlas", "atlas")])
def test_atlas_sum_beside_another_tools_format_is_that_tool(folder: str, tool: str, tmp_path: Path) -> None:
    """openmeter (in the field corpus) keeps atlas.sum beside the golang-migrate files Atlas
    writes for it: the format decides, atlas.sum only when no other tool's format is there."""
    for source in (FOLDERS / folder).glob("*.sql"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "atlas.sum").write_text("h1:x=\n", encoding="utf-8")
    paths = sorted(str(p) for p in tmp_path.glob("*.sql"))
    assert detect(paths, Path(paths[0]).read_text(encoding="utf-8")).name == tool


def test_what_a_tool_leaves_out_is_named_for_what_it_is() -> None:
    sqitch = CliRunner().invoke(lint_command, [str(FOLDERS / "sqitch")])
    assert "left out 3 sqitch verify/ scripts (checks sqitch runs after a deploy, not migrations)" in sqitch.stderr
    popx = CliRunner().invoke(lint_command, [str(FOLDERS / "popx")])
    assert "left out 2 popx files it runs on another database" in popx.stderr
