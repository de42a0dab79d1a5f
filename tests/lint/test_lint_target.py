"""Issue 19: the target database, `--pg-version` (rules true only on some versions) and small
tables (`--small-table`, sizes read with `--database-url`: lock and rewrite findings on them
are warnings that say the size)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agent.lint import Severity, lint_source
from agent.lint.api import LintInputError, lint_project
from agent.lint.command import lint_command
from agent.lint.target import Target, TargetError
from tests.lint.lint_helpers import codes

VALIDATED = ("SET lock_timeout = '2s';\n"
             "ALTER TABLE lots ADD CONSTRAINT lots_sku_nn CHECK (sku IS NOT NULL) NOT VALID;\n"
             "ALTER TABLE lots VALIDATE CONSTRAINT lots_sku_nn;\n")


def test_a_constant_default_rewrote_the_table_before_11() -> None:
    sql = "SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN qty int NOT NULL DEFAULT 0;"
    assert "MA109" in codes(sql, pg_version=10)
    assert "MA109" not in codes(sql, pg_version=11)
    assert "MA109" not in codes("ALTER TABLE lots ADD COLUMN note text DEFAULT NULL;", pg_version=10)
    finding = next(f for f in lint_source("m.sql", sql, target=Target.checked(10)).findings if f.code == "MA109")
    assert "DEFAULT 0 is written into every row before PostgreSQL 11 (the target is 10)" in finding.message


def test_set_not_null_used_a_valid_check_only_from_12() -> None:
    sql = VALIDATED + "ALTER TABLE lots ALTER COLUMN sku SET NOT NULL;"
    assert "MA107" not in codes(sql, pg_version=12)
    assert "MA107" in codes(sql, pg_version=11)


FEATURES = [
    ("CREATE UNIQUE INDEX CONCURRENTLY i ON lots (sku) NULLS NOT DISTINCT;", 15, "NULLS NOT DISTINCT"),
    ("ALTER TABLE lots ADD CONSTRAINT u UNIQUE NULLS NOT DISTINCT (sku);", 15, "NULLS NOT DISTINCT"),
    ("CREATE VIEW v WITH (security_invoker = true) AS SELECT lot_id FROM lots;", 15, "security_invoker views"),
    ("ALTER VIEW v SET (security_invoker = on);", 15, "security_invoker views"),
    ("MERGE INTO lots USING staged ON lots.lot_id = staged.lot_id WHEN MATCHED THEN DELETE;", 15, "MERGE"),
    ("MERGE INTO lots USING staged ON lots.lot_id = staged.lot_id WHEN MATCHED THEN DELETE RETURNING lots.lot_id;",
     17, "MERGE ... RETURNING"),
    ("REINDEX INDEX CONCURRENTLY lots_sku_idx;", 12, "REINDEX CONCURRENTLY"),
    ("CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);", 12, "stored generated columns"),
    ("CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);", 18, "virtual generated columns"),
    ("CREATE INDEX CONCURRENTLY i ON lots (sku) INCLUDE (qty);", 11, "INCLUDE columns in an index"),
    ("ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;", 14, "DETACH PARTITION CONCURRENTLY"),
    ("BEGIN;\nALTER TYPE lot_state ADD VALUE 'held';\nCOMMIT;", 12,
     "ALTER TYPE ... ADD VALUE inside a transaction block"),
]


@pytest.mark.parametrize(("sql", "since", "feature"), FEATURES, ids=[f"{f[2]}-{f[1]}" for f in FEATURES])
def test_a_feature_newer_than_the_target_is_ma004(sql: str, since: int, feature: str) -> None:
    older = [f for f in lint_source("m.sql", sql, target=Target.checked(since - 1)).findings if f.code == "MA004"]
    assert [f.message for f in older] == [
        f"{feature} needs PostgreSQL {since} or later; the target is {since - 1} (--pg-version)"]
    assert "MA004" not in codes(sql, pg_version=since)


def test_add_value_outside_a_transaction_is_fine_on_11() -> None:
    assert "MA004" not in codes("-- agent:no-transaction\nALTER TYPE lot_state ADD VALUE 'held';", pg_version=11)


def test_the_newest_version_is_the_default_and_unknown_versions_are_refused() -> None:
    assert Target().pg_version == 18
    for wrong in (9, 19):
        with pytest.raises(TargetError, match=f"version {wrong} is not one the linter knows"):
            Target.checked(wrong)
    with pytest.raises(TargetError, match="threshold"):
        Target.checked(small_rows=-1)


INDEX = "CREATE INDEX lots_sku_idx ON lots (sku);"


def _ma101(target: Target) -> tuple[Severity, str]:
    (finding,) = [f for f in lint_source("m.sql", INDEX, target=target).findings if f.code == "MA101"]
    return finding.severity, finding.message


def test_lock_findings_on_a_small_table_are_warnings_that_say_its_size() -> None:
    assert _ma101(Target())[0] is Severity.ERROR
    severity, message = _ma101(Target.checked(rows={"lots": 1200}))
    assert severity is Severity.WARNING
    assert message.endswith("(lots holds about 1 200 rows, below the small-table threshold of 10 000, "
                            "so this is brief)")
    assert _ma101(Target.checked(rows={"lots": 1200}, small_rows=1000))[0] is Severity.ERROR
    assert _ma101(Target.checked(rows={"lots": 50_000}))[0] is Severity.ERROR
    severity, message = _ma101(Target.checked(small=["LOTS"]))
    assert severity is Severity.WARNING and "(lots is listed as a small table, so this is brief)" in message


def test_a_small_table_does_not_lower_what_size_does_not_change() -> None:
    """A NOT NULL column without a default fails on one row as on a million; a lock wait
    queues behind a long query whatever the table's size; a drop loses the data."""
    sql = "ALTER TABLE lots ADD COLUMN code text NOT NULL;\nALTER TABLE lots DROP COLUMN note;"
    found = lint_source("m.sql", sql, target=Target.checked(small=["lots"])).findings
    assert {f.code: f.severity for f in found if f.code in ("MA110", "MA401", "MA201")} == {
        "MA110": Severity.ERROR, "MA401": Severity.ERROR, "MA201": Severity.ERROR}


def test_the_command_takes_pg_version(tmp_path: Path) -> None:
    path = tmp_path / "m.sql"
    path.write_text("-- agent:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY i ON lots (sku) NULLS NOT DISTINCT;\n",
                    encoding="utf-8")
    older = CliRunner().invoke(lint_command, [str(path), "--format", "json", "--pg-version", "14"])
    assert older.exit_code == 1
    assert [f["code"] for f in json.loads(older.output)["files"][0]["findings"]] == ["MA004"]
    assert CliRunner().invoke(lint_command, [str(path), "--format", "json"]).exit_code == 0
    refused = CliRunner().invoke(lint_command, [str(path), "--pg-version", "9"])
    assert refused.exit_code == 2 and "--pg-version" in refused.output


def test_the_entry_function_takes_pg_version_and_severities(tmp_path: Path) -> None:
    (tmp_path / "1_a.sql").write_text("SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN q int DEFAULT 0;\n",
                                      encoding="utf-8")
    assert [f.code for f in lint_project([str(tmp_path)], pg_version=10).findings] == ["MA402", "MA109"]
    assert lint_project([str(tmp_path)]).findings == []
    lowered = lint_project([str(tmp_path)], pg_version=10, severity={"volatile-default": "warning"})
    assert {f.code: f.severity for f in lowered.findings}["MA109"] is Severity.WARNING
    with pytest.raises(LintInputError, match="version 8"):
        lint_project([str(tmp_path)], pg_version=8)


def test_forked_workers_lint_for_the_same_target() -> None:
    from agent.lint.catalog import Catalog
    from agent.lint.parallel import lint_texts

    files = [(f"{n:03d}_m.sql", "SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN q int DEFAULT 0;\n")
             for n in range(6)]
    catalog = Catalog(target=Target.checked(10, small=["lots"]))
    one, two = (lint_texts(files, workers=w, catalog=catalog) for w in (1, 2))
    assert [(f.path, f.code, f.severity) for f in two.findings] == [(f.path, f.code, f.severity) for f in one.findings]
    assert {(f.code, f.severity) for f in two.findings if f.code == "MA109"} == {("MA109", Severity.WARNING)}
    assert len([f for f in two.findings if f.code == "MA109"]) == 6


def test_the_command_takes_severities_and_excludes(tmp_path: Path) -> None:
    (tmp_path / "1_index.sql").write_text("SET lock_timeout = '2s';\nSET statement_timeout = '1min';\n"
                                          "CREATE INDEX i ON lots (sku);\n", encoding="utf-8")
    (tmp_path / "2_seed.sql").write_text("DELETE FROM lots;\n", encoding="utf-8")

    def run(*args: str) -> tuple[int, list[tuple[str, str]]]:
        result = CliRunner().invoke(lint_command, [str(tmp_path), "--format", "json", *args])
        found = [(f["code"], f["severity"]) for file in json.loads(result.output)["files"] for f in file["findings"]]
        return result.exit_code, found

    assert run() == (1, [("MA101", "error"), ("MA210", "error")])
    lowered = run("--severity", "create-index-not-concurrent=warning", "--exclude", "2_*.sql")
    assert lowered == (0, [("MA101", "warning")])
    assert run("--severity", "MA210=warning", "--exclude", str(tmp_path / "1_index.sql")) == (
        0, [("MA210", "warning")])
    bad = CliRunner().invoke(lint_command, [str(tmp_path), "--severity", "MA101=fatal"])
    assert bad.exit_code == 2 and "CODE=error or CODE=warning" in bad.output
    none = CliRunner().invoke(lint_command, [str(tmp_path), "--exclude", "*.sql"])
    assert none.exit_code == 2 and "--exclude left no file" in none.output
