"""Issue 19, item 1: a held lock is a hazard only when work runs under it (MA304, MA305).

Catalog-only statements after an ACCESS EXCLUSIVE lock cost milliseconds; a scan, rewrite,
index build, validation or bulk DML under it extends the outage, and so does waiting in a
second table's lock queue.
"""

from __future__ import annotations

import pytest

from agent.lint import lint_source
from tests.lint.lint_helpers import codes

HEAD = "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN note text;\n"
LOCK_CODES = {"MA304", "MA305"}

CATALOG_ONLY = [
    "ALTER TABLE lots ADD COLUMN code text;",
    "ALTER TABLE lots ADD COLUMN qty int NOT NULL DEFAULT 0;",
    "ALTER TABLE lots RENAME COLUMN note TO remark;",
    "ALTER TABLE lots RENAME TO batches;",
    "DROP INDEX lots_sku_idx;",
    "DROP VIEW lots_view;\nCREATE VIEW lots_view AS SELECT lot_id, note FROM lots;",
    "ALTER TABLE lots DROP CONSTRAINT lots_qty_check;\n"
    "ALTER TABLE lots ADD CONSTRAINT lots_qty_check CHECK (qty >= 0) NOT VALID;",
    "COMMENT ON COLUMN lots.note IS 'free text';",
    "CREATE POLICY lots_tenant ON lots USING (tenant_id = current_setting('app.tenant', true)::uuid);",
    "ALTER TABLE lots ENABLE ROW LEVEL SECURITY;",
    "INSERT INTO lots (lot_id, note) VALUES (1, 'x');",
    "ALTER TABLE lots DROP COLUMN note;",
]


@pytest.mark.parametrize("after", CATALOG_ONLY)
def test_catalog_work_under_the_lock_is_not_a_hazard(after: str) -> None:
    found = set(codes(HEAD + after + "\nCOMMIT;"))
    assert not found & LOCK_CODES, found


WORK = [
    ("UPDATE lots SET note = '' WHERE note IS NULL;", "MA305"),
    ("DELETE FROM lots WHERE note = 'x';", "MA305"),
    ("INSERT INTO lots (lot_id, note) SELECT lot_id + 1000, note FROM lots;", "MA305"),
    ("CREATE INDEX lots_note_idx ON lots (note);", "MA305"),
    ("ALTER TABLE lots ADD CONSTRAINT lots_note_check CHECK (note <> '');", "MA304"),
    ("ALTER TABLE lots ADD CONSTRAINT lots_sup_fk FOREIGN KEY (supplier_id) REFERENCES lots (lot_id) "
     "ON DELETE RESTRICT;", "MA304"),
    ("ALTER TABLE lots VALIDATE CONSTRAINT lots_qty_check;", "MA304"),
    ("ALTER TABLE lots ALTER COLUMN note SET NOT NULL;", "MA304"),
    ("ALTER TABLE lots ALTER COLUMN lot_id TYPE bigint;", "MA304"),
    ("ALTER TABLE lots ADD COLUMN token float8 DEFAULT random();", "MA304"),
    # waiting in a second table's lock queue while holding the first
    ("ALTER TABLE suppliers ADD COLUMN note text;", "MA305"),
]


@pytest.mark.parametrize(("after", "code"), WORK)
def test_work_under_the_lock_names_the_statement_that_holds_it(after: str, code: str) -> None:
    findings = [f for f in lint_source("m.sql", HEAD + after + "\nCOMMIT;").findings if f.code in LOCK_CODES]
    assert [f.code for f in findings] == [code]
    assert findings[0].line == 4  # the statement that does the work
    assert "line 3" in findings[0].message  # the one that took the lock


def test_a_validated_not_null_check_makes_set_not_null_catalog_work() -> None:
    sql = (HEAD + "ALTER TABLE lots ADD CONSTRAINT lots_note_nn CHECK (note IS NOT NULL) NOT VALID;\nCOMMIT;\n"
           "ALTER TABLE lots VALIDATE CONSTRAINT lots_note_nn;\n"
           "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN code text;\n"
           "ALTER TABLE lots ALTER COLUMN note SET NOT NULL;\nCOMMIT;")
    assert not set(codes(sql)) & LOCK_CODES


def test_a_scan_before_the_strong_lock_is_not_under_it() -> None:
    sql = ("BEGIN;\nSET LOCAL lock_timeout = '2s';\nUPDATE lots SET note = '' WHERE note IS NULL;\n"
           "ALTER TABLE lots ADD COLUMN code text;\nCOMMIT;")
    assert not set(codes(sql)) & LOCK_CODES
