"""What the linter tracks across a file: created tables, transactions, timeouts, positions."""

from __future__ import annotations

import pytest

from agent.lint import SqlSyntaxError, lint_sequence, lint_source, parse_source
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


def test_fix_keeps_the_statement_text_and_layout() -> None:
    sql = "SELECT 1;\n-- the lookup index\nCREATE UNIQUE INDEX IF NOT EXISTS i\n    ON lots (a);"
    fixes = {f.code: f.fix for f in lint_source("m.sql", sql).findings}
    assert fixes["MA101"] == "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i\n    ON lots (a)"
    fixes = {f.code: f.fix for f in lint_source("m.sql", "DROP INDEX IF EXISTS i;").findings}
    assert fixes["MA102"] == "DROP INDEX CONCURRENTLY IF EXISTS i"


@pytest.mark.parametrize(("name", "flagged"), [
    ("é" * 32, True), ("é" * 31, False), ("a" * 64, True), ("a" * 63, False),
    ("x" * 15 + "\U0001d518" * 13, True), ('"' + "a b" * 22 + '"', True),
])
def test_identifier_length_is_counted_in_bytes(name: str, flagged: bool) -> None:
    assert ("MA507" in codes(f"CREATE TABLE t ({name} int);")) is flagged


FK_LATER = (
    "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n"
    "ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (a, p_id) REFERENCES p ON DELETE CASCADE "
    "NOT VALID;"
)


def _sequence(*files: tuple[str, str]) -> list[list[str]]:
    report = lint_sequence(parse_source(name, sql) for name, sql in files)
    return [[f.code for f in file.findings] for file in report.files]


def test_index_of_an_earlier_forward_file_covers_a_later_foreign_key() -> None:
    create = "CREATE TABLE c (c_id bigint PRIMARY KEY, a bigint, p_id bigint);\n" \
             "CREATE INDEX idx_c_a_p ON c (a, p_id);"
    assert "MA602" in codes(FK_LATER)
    assert "MA602" not in _sequence(("1_c.sql", create), ("2_fk.sql", FK_LATER))[1]
    # the file order matters, and a down file or a later drop takes the index away
    assert "MA602" in _sequence(("2_fk.sql", FK_LATER), ("1_c.sql", create))[0]
    down = "-- agent:direction down\nCREATE INDEX idx_c_a_p ON c (a, p_id);"
    assert "MA602" in _sequence(("1_down.sql", down), ("2_fk.sql", FK_LATER))[1]
    for drop in ("DROP INDEX CONCURRENTLY idx_c_a_p;", "DROP TABLE c;"):
        files = (("1_c.sql", create), ("2_drop.sql", drop), ("3_fk.sql", FK_LATER))
        assert "MA602" in _sequence(*files)[2], drop


def test_key_constraint_of_an_earlier_file_is_an_index() -> None:
    create = "CREATE TABLE c (a bigint, p_id bigint, UNIQUE (p_id, a));"
    assert "MA602" not in _sequence(("1_c.sql", create), ("2_fk.sql", FK_LATER))[1]


def test_work_after_exclusive_lock_skips_dropped_tables_and_catalog_statements() -> None:
    down = (
        "-- agent:direction down\nBEGIN;\nSET LOCAL lock_timeout = '2s';\n"
        "CREATE TABLE _backup_t AS TABLE t;\nDROP TABLE t RESTRICT;\n"
        "DROP FUNCTION update_updated_at_column();\nCOMMIT;"
    )
    assert "MA305" not in codes(down)
    real = (
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\n"
        "ALTER TABLE lots ADD COLUMN token float8 DEFAULT random();\n"
        "UPDATE lots SET token = 0 WHERE lot_id < 100;\nCOMMIT;"
    )
    assert "MA305" in codes(real)


TYPE_CHANGE = "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\nALTER TABLE t ALTER COLUMN c TYPE {};"


@pytest.mark.parametrize(("before", "after", "rewrites"), [
    ("varchar(6)", "varchar(8)", False),
    ("varchar(6)", "text", False),
    ("numeric(12, 2)", "numeric(14, 2)", False),
    ("numeric(12, 2)", "numeric", False),
    ("varchar(8)", "varchar(6)", True),
    ("numeric(12, 2)", "numeric(14, 3)", True),
    ("numeric(14, 2)", "numeric(12, 2)", True),
    ("integer", "bigint", True),
    ("text", "varchar(20)", True),
])
def test_a_type_change_is_judged_against_the_type_an_earlier_file_gave(before: str, after: str,
                                                                      rewrites: bool) -> None:
    create = f"CREATE TABLE t (t_id bigint PRIMARY KEY, c {before});"
    change = TYPE_CHANGE.format(after)
    assert ("MA108" in _sequence(("1_t.sql", create), ("2_t.sql", change))[1]) is rewrites
    added = f"ALTER TABLE t ADD COLUMN c {before};"
    assert ("MA108" in _sequence(("1_t.sql", "CREATE TABLE t (t_id bigint);"), ("2_t.sql", added),
                                 ("3_t.sql", change))[2]) is rewrites
    unbounded = change.replace("SET statement_timeout = '1min';\n", "")
    assert ("MA402" in _sequence(("1_t.sql", create), ("2_t.sql", unbounded))[1]) is rewrites


CHECKED = "CREATE TABLE t (t_id bigint PRIMARY KEY, s varchar(8) CHECK (s IN ('a', 'b')), n int);"
WIDEN = "SET lock_timeout = '1s';\nALTER TABLE t ALTER COLUMN s TYPE varchar(20);"


@pytest.mark.parametrize(("between", "rechecks"), [
    ("", True),
    ("ALTER TABLE t DROP CONSTRAINT t_s_check;", False),
    ("ALTER TABLE t DROP COLUMN s;\nALTER TABLE t ADD COLUMN s varchar(8);", False),
    ("ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0);", True),
    ("DROP TABLE t;\nCREATE TABLE t (t_id bigint PRIMARY KEY, s varchar(8));", False),
])
def test_a_widening_rechecks_the_rows_against_the_checks_earlier_files_left(between: str, rechecks: bool) -> None:
    """A check named as PostgreSQL names it (t_s_check) goes with DROP CONSTRAINT, with its
    column, or with its table; the widening then reads no row and needs no statement timeout."""
    files = [("1_t.sql", CHECKED), ("2_t.sql", between), ("3_t.sql", WIDEN)]
    last = _sequence(*[f for f in files if f[1]])[-1]
    assert ("MA117" in last) is rechecks
    assert ("MA402" in last) is rechecks


def test_checks_added_earlier_in_the_same_file_count_and_one_dropped_by_the_statement_does_not() -> None:
    change = "ALTER TABLE t ADD CONSTRAINT t_s_check CHECK (s <> '') NOT VALID;\n" + WIDEN
    assert "MA117" in _sequence(("1_t.sql", "CREATE TABLE t (t_id bigint PRIMARY KEY, s varchar(8));"),
                                ("2_t.sql", change))[1]
    swap = ("ALTER TABLE t DROP CONSTRAINT t_s_check, ALTER COLUMN s TYPE varchar(20), "
            "ADD CONSTRAINT t_s_check CHECK (s IN ('a', 'b', 'c')) NOT VALID;")
    assert "MA117" not in _sequence(("1_t.sql", CHECKED), ("2_t.sql", swap))[1]


INDEXED = "CREATE TABLE t (t_id bigint PRIMARY KEY, s varchar(8), n int);\n{}"


@pytest.mark.parametrize(("index", "between", "rebuilds"), [
    ("CREATE INDEX t_lower_s ON t (lower(s));", "", True),
    ("CREATE INDEX t_open ON t (n) WHERE s IS NOT NULL;", "", True),
    ("CREATE INDEX ON t (lower(s));", "", True),
    ("CREATE INDEX t_s ON t (s, n);", "", False),
    ("CREATE INDEX t_lower_s ON t (lower(s));", "DROP INDEX CONCURRENTLY t_lower_s;", False),
    ("CREATE INDEX ON t (lower(s));", "DROP INDEX t_expr_idx;", False),
    ("CREATE INDEX t_lower_s ON t (lower(s));", "ALTER TABLE t DROP COLUMN s;\nALTER TABLE t ADD COLUMN s varchar(8);",
     False),
    ("CREATE INDEX t_lower_s ON t (lower(s));", "DROP TABLE t;\nCREATE TABLE t (t_id bigint, s varchar(8));", False),
])
def test_a_widening_rebuilds_the_expression_and_partial_indexes_earlier_files_left(
        index: str, between: str, rebuilds: bool) -> None:
    """An index on the plain column stays; one that reads it in an expression or a WHERE is built
    again. It goes with DROP INDEX (named as PostgreSQL names it), its column or its table."""
    files = [("1_t.sql", INDEXED.format(index)), ("2_t.sql", between), ("3_t.sql", WIDEN)]
    last = _sequence(*[f for f in files if f[1]])[-1]
    assert ("MA118" in last) is rebuilds
    assert ("MA402" in last) is rebuilds


def test_drop_index_of_an_earlier_file_locks_its_table() -> None:
    create = "CREATE TABLE t (t_id bigint PRIMARY KEY, a text);\nCREATE INDEX t_a_idx ON t (a);"
    report = lint_sequence(parse_source(n, sql) for n, sql in [("1_t.sql", create), ("2_t.sql", "DROP INDEX t_a_idx;")])
    (lock,) = [f for f in report.files[1].findings if f.code == "MA401"]
    assert lock.message.startswith("ACCESS EXCLUSIVE on t is requested")


def test_a_type_change_of_an_unknown_column_is_judged_by_its_target_alone() -> None:
    assert "MA108" in _sequence(("2_t.sql", TYPE_CHANGE.format("varchar(8)")))[0]
    assert "MA108" not in _sequence(("2_t.sql", TYPE_CHANGE.format("text")))[0]


def test_a_down_file_drops_what_its_up_added_without_a_backup() -> None:
    """Field corpus (crates.io `down.sql`, openmeter `.down.sql`): a down's DROP COLUMN or
    DROP TABLE undoes its own up; MA608 asks for a backup only in forward files."""
    drop = "SET lock_timeout = '1s';\nALTER TABLE users DROP COLUMN gh_login;"
    assert "MA608" not in codes("-- agent:direction down\n" + drop)
    assert "MA608" in codes(drop)
