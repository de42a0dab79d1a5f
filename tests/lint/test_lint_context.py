"""What the linter tracks across a file: created tables, transactions, timeouts, positions."""

from __future__ import annotations

import pytest

from agent.lint import SqlSyntaxError, lint_source, parse_source
from tests.lint.lint_helpers import codes


def test_table_created_in_the_file_is_exempt_from_lock_rules() -> None:
    sql = (
        "CREATE TABLE lots (lot_id bigint PRIMARY KEY, sku text);\n"
        "CREATE INDEX idx_lots_sku ON lots (sku);\n"
        "ALTER TABLE lots ADD COLUMN n int NOT NULL;\n"
        "ALTER TABLE lots ALTER COLUMN sku SET NOT NULL;\n"
        "UPDATE lots SET sku = 'x';\n"
    )
    assert codes(sql) == []


def test_table_created_later_in_the_file_is_not_exempt_before() -> None:
    sql = "CREATE INDEX i ON lots (sku);\nCREATE TABLE lots (sku text);"
    assert "MA101" in codes(sql)


def test_file_with_begin_is_not_also_wrapped_by_the_runner() -> None:
    sql = "BEGIN;\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON lots (a);"
    assert "MA301" not in codes(sql)


def test_concurrently_inside_explicit_block_in_no_transaction_file() -> None:
    sql = "-- agent:no-transaction\nBEGIN;\nDROP INDEX CONCURRENTLY i;\nCOMMIT;"
    assert "MA301" in codes(sql)


def test_set_local_timeout_ends_with_its_transaction() -> None:
    sql = (
        "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE a ADD x int;\nCOMMIT;\n"
        "ALTER TABLE b ADD y int;"
    )
    assert "MA401" not in codes(sql)  # only the first blocking statement is reported
    assert "MA401" in codes(sql.replace("ALTER TABLE a ADD x int;", "SELECT 1;"))


def test_reset_timeout_unsets_it() -> None:
    assert "MA401" in codes("SET lock_timeout = '1s';\nRESET lock_timeout;\nDROP TABLE t;")


def test_lock_timeout_is_reported_once_per_file() -> None:
    sql = "ALTER TABLE a ADD x int;\nALTER TABLE b ADD y int;\nDROP INDEX i;"
    assert codes(sql).count("MA401") == 1


def test_work_after_exclusive_lock_reported_once_per_transaction() -> None:
    sql = (
        "SET lock_timeout = '1s';\nALTER TABLE a ADD x int;\n"
        "UPDATE b SET y = 1 WHERE id = 1;\nUPDATE c SET z = 1 WHERE id = 1;"
    )
    assert codes(sql).count("MA305") == 1


def test_position_is_line_and_column_in_characters() -> None:
    sql = "-- é accents\nSELECT 'é';\n  CREATE INDEX i ON lots (a);"
    finding = next(f for f in lint_source("m.sql", sql).findings if f.code == "MA101")
    assert (finding.line, finding.column) == (3, 21)
    assert sql[finding.offset : finding.offset + 4] == "lots"


def test_syntax_error_carries_file_line_and_column() -> None:
    with pytest.raises(SqlSyntaxError) as caught:
        parse_source("bad.sql", "SELECT 1;\nSELEC 2;")
    assert (caught.value.line, caught.value.column) == (2, 1)
    assert str(caught.value).startswith("bad.sql:2:1:")


def test_down_direction_from_header() -> None:
    assert "MA607" in codes("-- agent:direction down\nDROP TABLE t CASCADE;")
    assert "MA607" not in codes("-- agent:direction up\nDROP TABLE t CASCADE;")


def test_destructive_header_acknowledges_breaking_drop_but_not_missing_backup() -> None:
    found = codes("-- agent:destructive\nSET lock_timeout = '1s';\nDROP TABLE lot_events;")
    assert "MA202" not in found and "MA608" in found


def test_backup_of_another_table_does_not_count() -> None:
    sql = "CREATE TABLE _backup_a AS SELECT * FROM a;\nTRUNCATE b;"
    assert "MA608" in codes(sql)


def test_fix_suggests_the_concurrent_statement() -> None:
    finding = lint_source("m.sql", "CREATE INDEX i ON lots (a);").findings[-1]
    assert finding.code == "MA101"
    assert finding.fix == "CREATE INDEX CONCURRENTLY i ON lots (a)"
