"""Issue 19, item 1: a held lock is a hazard only when work runs under it (MA304, MA305).

Catalog-only statements after an ACCESS EXCLUSIVE lock cost milliseconds; a scan, rewrite,
index build, validation or bulk DML under it extends the outage. A wait in a second table's
lock queue is bounded by lock_timeout (and MA401's to report without one).
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


WORK = [
    ("UPDATE lots SET note = '' WHERE note IS NULL;", "MA305"),
    ("DELETE FROM lots WHERE note = 'x';", "MA305"),
    ("INSERT INTO lots (lot_id, note) SELECT lot_id + 1000, note FROM lots;", "MA305"),
    ("CREATE INDEX lots_note_idx ON lots (note);", "MA305"),
    ("ALTER TABLE lots ADD CONSTRAINT lots_sup_fk FOREIGN KEY (supplier_id) REFERENCES lots (lot_id) "
     "ON DELETE RESTRICT;", "MA304"),
    ("ALTER TABLE lots VALIDATE CONSTRAINT lots_qty_check;", "MA304"),
    # a scan of a second table while holding the first
    ("ALTER TABLE suppliers ADD CONSTRAINT suppliers_note_check CHECK (note <> '');", "MA305"),
]


@pytest.mark.parametrize(("after", "code"), WORK)
def test_work_under_the_lock_names_the_statement_that_holds_it(after: str, code: str) -> None:
    findings = [f for f in lint_source("m.sql", HEAD + after + "\nCOMMIT;").findings if f.code in LOCK_CODES]
    assert [f.code for f in findings] == [code]
    assert findings[0].line == 4  # the statement that does the work
    assert "line 3" in findings[0].message  # the one that took the lock
    assert "ACCESS EXCLUSIVE" in findings[0].message


# Work that takes ACCESS EXCLUSIVE on the held table itself blocks as much on its own (its own
# rule reports the scan): the lock held since line 3 adds nothing. Field corpus: crates.io's
# add_rate_limit_action (ADD COLUMN, then ADD PRIMARY KEY), marquez V12 (DROP CONSTRAINT,
# then ADD UNIQUE), openmeter's flatfee_run_domain_fields (SET NOT NULL after ADD COLUMN).
SAME_LOCK = [
    "ALTER TABLE lots ADD CONSTRAINT lots_note_check CHECK (note <> '');",
    "ALTER TABLE lots ALTER COLUMN note SET NOT NULL;",
    "ALTER TABLE lots ALTER COLUMN lot_id TYPE bigint;",
    "ALTER TABLE lots ADD COLUMN token float8 DEFAULT random();",
    "ALTER TABLE lots ADD CONSTRAINT lots_pkey PRIMARY KEY (lot_id, note);",
    "ALTER TABLE lots ADD UNIQUE (note);",
]


@pytest.mark.parametrize("after", CATALOG_ONLY + SAME_LOCK)
def test_catalog_work_or_work_taking_the_held_lock_itself_is_no_hazard(after: str) -> None:
    found = set(codes(HEAD + after + "\nCOMMIT;"))
    assert not found & LOCK_CODES, found


# Issue 19 item 3: SHARE (CREATE INDEX), SHARE ROW EXCLUSIVE (a foreign key, a trigger) and
# EXCLUSIVE holds block writes too; work under them keeps writes waiting.
WEAKER_HOLDS = [
    ("CREATE INDEX lots_note_idx ON lots (note);", "SHARE on lots (line 3)", "writes there"),
    ("ALTER TABLE orders ADD CONSTRAINT orders_lot_fk FOREIGN KEY (lot_id) REFERENCES lots (lot_id) "
     "ON DELETE RESTRICT NOT VALID;", "SHARE ROW EXCLUSIVE on lots (line 3)", "writes there"),
    ("LOCK TABLE lots IN EXCLUSIVE MODE;", "EXCLUSIVE on lots (line 3)", "writes there"),
]


@pytest.mark.parametrize(("holder", "held", "blocked"), WEAKER_HOLDS)
def test_work_under_a_lock_weaker_than_access_exclusive(holder: str, held: str, blocked: str) -> None:
    sql = (f"BEGIN;\nSET LOCAL lock_timeout = '2s';\n{holder}\n"
           "UPDATE suppliers SET note = '' WHERE note IS NULL;\nCOMMIT;")
    findings = [f for f in lint_source("m.sql", sql).findings if f.code in LOCK_CODES]
    assert [(f.code, f.line) for f in findings] == [("MA305", 4)]
    assert held in findings[0].message and blocked in findings[0].message
    assert "reads and writes" not in findings[0].message


def test_a_second_index_build_under_share_adds_nothing() -> None:
    sql = ("BEGIN;\nSET LOCAL lock_timeout = '2s';\nCREATE INDEX lots_a_idx ON lots (a);\n"
           "CREATE INDEX lots_b_idx ON lots (b);\nCOMMIT;")
    assert not set(codes(sql)) & LOCK_CODES


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


def test_a_wait_for_a_second_tables_lock_is_the_lock_timeouts_matter() -> None:
    """Field corpus (crates.io, openmeter downs): DROP DEFAULT or DROP INDEX on one table after
    another only waits for the second lock; lock_timeout bounds it, MA401 reports it unbounded."""
    bounded = HEAD + "ALTER TABLE suppliers ADD COLUMN note text;\nCOMMIT;"
    assert not set(codes(bounded)) & LOCK_CODES
    unbounded = "ALTER TABLE lots ALTER note DROP DEFAULT;\nALTER TABLE suppliers ALTER note DROP DEFAULT;\n"
    found = codes(unbounded)
    assert not set(found) & LOCK_CODES
    assert "MA401" in found


def test_a_do_block_of_plain_statements_is_judged_by_them() -> None:
    """The planner's down of an enum widening under a policy: DROP POLICY, the type change
    (ACCESS EXCLUSIVE itself) and CREATE POLICY in a DO block after a dropped check."""
    def sql(body: str, declare: str = "") -> str:
        return (HEAD.replace("ADD COLUMN note text", "DROP CONSTRAINT lots_note_check")
                + f"DO $$\n{declare}BEGIN\n  DROP POLICY p ON lots;\n  {body}\nEND\n$$;\nCOMMIT;")

    assert not set(codes(sql("ALTER TABLE lots ALTER COLUMN note TYPE varchar(4);"))) & LOCK_CODES
    assert "MA305" in codes(sql("UPDATE lots SET note = '';"))
    # a body with variables (or loops, or dynamic SQL) is not read: it may do anything
    assert "MA305" in codes(sql("ALTER TABLE lots ALTER COLUMN note TYPE varchar(4);", "DECLARE n int;\n"))


def test_a_held_table_renamed_is_held_under_its_new_name() -> None:
    """harbor 0004: RENAME TO, then work on the table by its new name."""
    sql = HEAD + "ALTER TABLE lots RENAME TO batches;\nCREATE INDEX batches_note_idx ON batches (note);\nCOMMIT;"
    findings = [f for f in lint_source("m.sql", sql).findings if f.code in LOCK_CODES]
    assert [(f.code, f.line) for f in findings] == [("MA305", 5)]
    assert "ACCESS EXCLUSIVE on batches (line 3)" in findings[0].message
    # another ALTER of it, by its new name, is the several-alters rule's
    sql = HEAD + "ALTER TABLE lots RENAME TO batches;\nALTER TABLE batches VALIDATE CONSTRAINT c;\nCOMMIT;"
    assert [f.code for f in lint_source("m.sql", sql).findings if f.code in LOCK_CODES] == ["MA304"]
