"""One test per change the YAML can express: the forward SQL and its inverse."""

from __future__ import annotations

import datetime as dt

import pytest

from agent.jobs.generate import GenerateOutcome, generate_migrations
from agent.plan.errors import PlanError
from agent.schema import load_schema_sources

BASE = """version: 1
entity: Item
table: items
properties:
  code:
    type: string
    max_length: 20
    required: true
  status:
    type: enum
    values: [NEW, DONE]
    default: NEW
  qty:
    type: integer
  note:
    type: text
    description: free text
  owner_id:
    type: uuid
indexes:
  - columns: [qty]
"""
POLICY = ("policies:\n  - name: items_hide_done\n    command: SELECT\n    using: status <> 'DONE'\n"
          "    permissive: false\n")
PARENT = "version: 1\nentity: Owner\ntable: owners\nproperties:\n  name:\n    type: text\n"


def diff(new_items: str, *, destructive: bool = False, old_items: str | None = None) -> GenerateOutcome:
    old_items = old_items or (BASE + POLICY if POLICY in new_items else BASE)
    old = load_schema_sources({"items.yaml": old_items, "owners.yaml": PARENT})
    new = load_schema_sources({"items.yaml": new_items, "owners.yaml": PARENT})
    return generate_migrations(new, old.schema, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), [],
                               allow_changes=True, allow_destructive=destructive)


def sql(outcome: GenerateOutcome) -> tuple[str, str]:
    return ("\n".join(m.up_sql for m in outcome.migrations), "\n".join(m.down_sql for m in outcome.migrations))


def add_property(text: str) -> str:
    return BASE.replace("indexes:", text + "indexes:")


CASES = {
    "add nullable column": (
        add_property("  color:\n    type: text\n"),
        ["ALTER TABLE items ADD COLUMN color TEXT;"],
        ["SELECT item_id, color FROM items;", "ALTER TABLE items DROP COLUMN color;"]),
    "add required column with a constant default": (
        add_property("  weight:\n    type: integer\n    required: true\n    default: 0\n"),
        ["ALTER TABLE items ADD COLUMN weight INTEGER NOT NULL DEFAULT 0;"],
        ["ALTER TABLE items DROP COLUMN weight;"]),
    "add required column with a backfill": (
        add_property("  batch:\n    type: text\n    required: true\n    backfill: {sql: \"'B-' || code\"}\n"),
        ["ALTER TABLE items ADD COLUMN batch TEXT;", "SET batch = COALESCE(batch, ('B-' || code))",
         "ADD CONSTRAINT items_batch_not_null CHECK (batch IS NOT NULL) NOT VALID;",
         "ALTER TABLE items VALIDATE CONSTRAINT items_batch_not_null;",
         "ALTER TABLE items ALTER COLUMN batch SET NOT NULL;"],
        ["ALTER TABLE items ALTER COLUMN batch DROP NOT NULL;", "ALTER TABLE items DROP COLUMN batch;"]),
    "rename through expand and contract": (
        BASE.replace("  code:\n", "  item_code:\n    renamed_from: code\n"),
        ["ALTER TABLE items ADD COLUMN item_code VARCHAR(20);", "CREATE TRIGGER items_sync_code_item_code",
         "SET item_code = COALESCE(item_code, (code))", "ALTER TABLE items DROP COLUMN code;"],
        ["ALTER TABLE items ADD COLUMN code VARCHAR(20);", "SET code = COALESCE(code, (item_code))",
         "ALTER TABLE items ALTER COLUMN code SET NOT NULL;", "DROP TRIGGER items_sync_code_item_code ON items;"]),
    "widen a varchar": (
        BASE.replace("max_length: 20", "max_length: 80"),
        ["ALTER TABLE items ALTER COLUMN code TYPE VARCHAR(80);"],
        ["ALTER TABLE items ALTER COLUMN code TYPE VARCHAR(20);"]),
    "change a default": (
        BASE.replace("default: NEW", "default: DONE"),
        ["ALTER TABLE items ALTER COLUMN status SET DEFAULT 'DONE';"],
        ["ALTER TABLE items ALTER COLUMN status SET DEFAULT 'NEW';"]),
    "make a required column nullable": (
        BASE.replace("    max_length: 20\n    required: true", "    max_length: 20"),
        ["ALTER TABLE items ALTER COLUMN code DROP NOT NULL;"],
        ["ADD CONSTRAINT items_code_not_null CHECK (code IS NOT NULL) NOT VALID;",
         "ALTER TABLE items ALTER COLUMN code SET NOT NULL;"]),
    "make a nullable column required": (
        BASE.replace("  qty:\n    type: integer\n", "  qty:\n    type: integer\n    required: true\n    backfill: 0\n"),
        ["SET qty = COALESCE(qty, (0))", "ALTER TABLE items VALIDATE CONSTRAINT items_qty_not_null;"],
        ["ALTER TABLE items ALTER COLUMN qty DROP NOT NULL;"]),
    "change a comment": (
        BASE.replace("description: free text", "description: notes from the floor"),
        ["COMMENT ON COLUMN items.note IS\n    'notes from the floor';"],
        ["COMMENT ON COLUMN items.note IS\n    'free text';"]),
    "add an enum value": (
        BASE.replace("values: [NEW, DONE]", "values: [NEW, DONE, HELD]"),
        ["ADD CONSTRAINT items_status_check_next CHECK (status IN ('NEW', 'DONE', 'HELD')) NOT VALID;",
         "ALTER TABLE items VALIDATE CONSTRAINT items_status_check_next;",
         "ALTER TABLE items DROP CONSTRAINT items_status_check;",
         "ALTER TABLE items RENAME CONSTRAINT items_status_check_next TO items_status_check;"],
        ["ALTER TABLE items RENAME CONSTRAINT items_status_check TO items_status_check_next;",
         "ADD CONSTRAINT items_status_check CHECK (status IN ('NEW', 'DONE')) NOT VALID;"]),
    "add a longer enum value read by a policy": (
        BASE.replace("values: [NEW, DONE]", "values: [NEW, DONE, ARCHIVED]") + POLICY,
        ["ALTER TABLE items VALIDATE CONSTRAINT items_status_check_next;",
         "DO $$\nBEGIN\n    DROP POLICY items_hide_done ON items;\n    ALTER TABLE items\n"
         "        DROP CONSTRAINT items_status_check,\n        ALTER COLUMN status TYPE VARCHAR(8),\n"
         "        ADD CONSTRAINT items_status_check CHECK (status IN ('NEW', 'DONE')) NOT VALID;\n"
         "    CREATE POLICY items_hide_done ON items\n"],
        ["        ALTER COLUMN status TYPE VARCHAR(4),\n"
         "        ADD CONSTRAINT items_status_check CHECK (status IN ('NEW', 'DONE'));\n"]),
    "add a check": (
        BASE.replace("  qty:\n    type: integer\n", "  qty:\n    type: integer\n    minimum: 0\n"),
        ["ADD CONSTRAINT items_qty_check CHECK (qty >= 0) NOT VALID;",
         "ALTER TABLE items VALIDATE CONSTRAINT items_qty_check;"],
        ["ALTER TABLE items DROP CONSTRAINT items_qty_check;"]),
    "add a unique": (
        BASE.replace("    required: true\n  status", "    required: true\n    unique: true\n  status"),
        ["CREATE UNIQUE INDEX CONCURRENTLY items_tenant_id_code_key",
         "ALTER TABLE items ADD CONSTRAINT items_tenant_id_code_key UNIQUE USING INDEX items_tenant_id_code_key;"],
        ["ALTER TABLE items DROP CONSTRAINT items_tenant_id_code_key;"]),
    "add a foreign key": (
        BASE.replace("  owner_id:\n    type: uuid\n",
                     "  owner_id:\n    type: uuid\n    references:\n      table: owners\n"
                     "      on_delete: SET NULL\n      reason: test\n"),
        ["FOREIGN KEY (tenant_id, owner_id) REFERENCES owners (tenant_id, owner_id) "
         "ON DELETE SET NULL (owner_id) NOT VALID;", "VALIDATE CONSTRAINT items_owner_id_fkey;",
         "CREATE INDEX CONCURRENTLY idx_items_tenant_id_owner_id"],
        ["ALTER TABLE items DROP CONSTRAINT items_owner_id_fkey;",
         "DROP INDEX CONCURRENTLY idx_items_tenant_id_owner_id;"]),
    "add an index": (
        BASE.replace("  - columns: [qty]\n", "  - columns: [qty]\n  - columns: [status]\n    where: qty > 0\n"),
        ["CREATE INDEX CONCURRENTLY idx_items_status\n    ON items (status) WHERE qty > 0;"],
        ["DROP INDEX CONCURRENTLY idx_items_status;"]),
    "drop an index": (
        BASE.replace("indexes:\n  - columns: [qty]\n", ""),
        ["DROP INDEX CONCURRENTLY idx_items_qty;"],
        ["CREATE INDEX CONCURRENTLY idx_items_qty\n    ON items (qty);"]),
    "add a policy": (
        BASE + "policies:\n  - name: items_read_done\n    command: SELECT\n    using: status = 'DONE'\n",
        ["CREATE POLICY items_read_done ON items\n    FOR SELECT\n    USING (status = 'DONE');"],
        ["DROP POLICY items_read_done ON items;"]),
    # Found by tests/diff/test_property_tables.py
    "an added column keeps its description": (
        add_property("  color:\n    type: text\n    description: Paint colour.\n"),
        ["COMMENT ON COLUMN items.color IS\n    'Paint colour.';"],
        ["ALTER TABLE items DROP COLUMN color;"]),
    "a dropped column comes back with its description": (
        BASE.replace("  note:\n    type: text\n    description: free text\n", ""),
        ["COMMENT ON COLUMN items.note IS\n    NULL;", "ALTER TABLE items DROP COLUMN note;"],
        ["ALTER TABLE items ADD COLUMN note TEXT;", "COMMENT ON COLUMN items.note IS\n    'free text';"]),
    "a renamed column that becomes required takes its backfill where the old one was NULL": (
        BASE.replace("  qty:\n    type: integer\n",
                     "  quantity:\n    type: integer\n    renamed_from: qty\n    required: true\n    backfill: 0\n")
        .replace("  - columns: [qty]\n", "  - columns: [quantity]\n"),
        ["SET quantity = COALESCE(quantity, (COALESCE(qty, (0))))",
         "ALTER TABLE items ALTER COLUMN quantity SET NOT NULL;"],
        ["ALTER TABLE items ADD COLUMN qty INTEGER;"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_change_kind(case: str) -> None:
    new_items, up_fragments, down_fragments = CASES[case]
    up, down = sql(diff(new_items, destructive=True))
    for fragment in up_fragments:
        assert fragment in up, fragment
    for fragment in down_fragments:
        assert fragment in down, fragment


def test_each_phase_file_runs_outside_a_transaction_except_expand() -> None:
    outcome = diff(add_property("  batch:\n    type: text\n    required: true\n    backfill: 'x'\n"))
    marked = {m.slug: "-- agent:no-transaction" in m.up_sql for m in outcome.migrations}
    assert marked == {"expand_items": False, "backfill_items": True, "validate_items": True}


@pytest.mark.parametrize(("new_items", "message"), [
    (BASE.replace("  note:\n    type: text\n    description: free text\n", ""), "column items.note is dropped"),
    (BASE.replace("values: [NEW, DONE]", "values: [DONE]").replace("default: NEW", "default: DONE"),
     "enum values of items.status are removed"),
    (BASE.replace("max_length: 20", "max_length: 10"), "items.code narrows from VARCHAR.20. to VARCHAR.10."),
])
def test_destructive_kinds_are_refused_by_default(new_items: str, message: str) -> None:
    with pytest.raises(PlanError, match=message + ": destructive; rerun with --allow-destructive"):
        diff(new_items)


def test_a_type_change_that_is_no_widening_is_refused() -> None:
    with pytest.raises(PlanError, match="not a widening: add a new column with renamed_from instead"):
        diff(BASE.replace("  qty:\n    type: integer\n", "  qty:\n    type: text\n"), destructive=True)


def test_an_allowed_narrowing_runs_in_the_contract_phase() -> None:
    outcome = diff(BASE.replace("max_length: 20", "max_length: 10"), destructive=True)
    (contract,) = [m for m in outcome.migrations if m.slug == "contract_items"]
    assert "ALTER TABLE items ALTER COLUMN code TYPE VARCHAR(10);" in contract.up_sql
    assert "ALTER TABLE items ALTER COLUMN code TYPE VARCHAR(20);" in contract.down_sql


def test_a_dropped_column_is_copied_to_a_backup_and_restored_by_down() -> None:
    outcome = diff(BASE.replace("  note:\n    type: text\n    description: free text\n", ""), destructive=True)
    (contract,) = [m for m in outcome.migrations if m.slug == "contract_items"]
    assert "CREATE TABLE _backup_items_note_20260101000000 AS\n    SELECT item_id, note FROM items;" in contract.up_sql
    assert "CREATE UNIQUE INDEX CONCURRENTLY ON _backup_items_note_20260101000000 (item_id);" in contract.down_sql
    assert ("SET note = COALESCE(note, ((SELECT b.note FROM _backup_items_note_20260101000000 AS b "
            "WHERE b.item_id = items.item_id)))") in contract.down_sql
    restored = contract.down_sql.index("SET note = COALESCE(note, ")
    assert contract.down_sql.index("DROP TABLE _backup_items_note_20260101000000;") > restored
    assert contract.down_sql.endswith("COMMENT ON COLUMN items.note IS\n    'free text';\n\nRESET row_security;\n")
    assert "-- agent:destructive" in contract.up_sql


def test_a_named_unique_whose_columns_change_is_built_beside_the_old_one() -> None:
    """Under a staged name, renamed once the old one is dropped: built under its own name, the
    new unique met the old one's (found by tests/diff/test_property_tables.py)."""
    old = BASE + "constraints:\n  - name: items_code_key\n    unique: [code]\n"
    outcome = diff(old.replace("unique: [code]", "unique: [code, status]"), old_items=old)
    (index,) = [m for m in outcome.migrations if m.slug == "index_items"]
    (contract,) = [m for m in outcome.migrations if m.slug == "contract_items"]
    assert "ADD CONSTRAINT items_code_key_next UNIQUE USING INDEX items_code_key_next;" in index.up_sql
    drop, rename = ("ALTER TABLE items DROP CONSTRAINT items_code_key;",
                    "ALTER TABLE items RENAME CONSTRAINT items_code_key_next TO items_code_key;")
    assert contract.up_sql.index(drop) < contract.up_sql.index(rename)
    assert "RENAME CONSTRAINT items_code_key TO items_code_key_next;" in contract.down_sql
