"""The seed's data-migration patterns: its WRONG examples are flagged, its RIGHT ones are not.

The RIGHT examples are rewritten as valid PostgreSQL and as the separate migrations they
describe: `UPDATE ... LIMIT n` becomes a batch chosen by primary key, each step is its own
file, locks are bounded by lock_timeout, CONCURRENTLY runs in a no-transaction file, the
column drop is a marked contract step with a backup, and SET NOT NULL is proven by a
validated CHECK first.
"""

from __future__ import annotations

import pytest

from agent.lint import RULES, Severity, lint_source
from tests.lint.lint_helpers import codes

WRONG = [
    ("rename", "ALTER TABLE lots RENAME COLUMN lot_number TO lot_code;", "MA205"),
    ("lock-the-world NOT NULL",
     "ALTER TABLE lots ADD COLUMN supplier_id UUID NOT NULL DEFAULT gen_random_uuid();", "MA109"),
    ("NOT NULL without default", "ALTER TABLE lots ADD COLUMN supplier_id UUID NOT NULL;", "MA110"),
    ("SET NOT NULL scan", "ALTER TABLE lots ALTER COLUMN supplier_id SET NOT NULL;", "MA107"),
    ("index", "CREATE INDEX idx_lots_material_id ON lots(material_id);", "MA101"),
    ("drop column", "ALTER TABLE lots DROP COLUMN lot_number;", "MA201"),
    ("drop column without backup",
     "-- agent:destructive\nALTER TABLE lots DROP COLUMN lot_number;", "MA608"),
    ("FK without ON DELETE",
     "ALTER TABLE lots ADD CONSTRAINT lots_supplier_fk FOREIGN KEY (supplier_id) "
     "REFERENCES suppliers (supplier_id);", "MA601"),
]

BATCH = "WHERE lot_id IN (SELECT lot_id FROM lots WHERE {col} IS NULL ORDER BY lot_id LIMIT 1000)"

RIGHT = [
    ("rename 1: add", "SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN lot_code VARCHAR(50);",
     set()),
    ("rename 2: backfill",
     f"UPDATE lots SET lot_code = lot_number\n{BATCH.format(col='lot_code')};", set()),
    ("rename 3: drop",
     "-- agent:destructive lot_number unused since the code release\n"
     "SET lock_timeout = '2s';\n"
     "CREATE TABLE _backup_lots_lot_number AS SELECT lot_id, lot_number FROM lots;\n"
     "ALTER TABLE lots DROP COLUMN lot_number;", set()),
    ("not null 1: nullable", "SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN supplier_id UUID;",
     set()),
    ("not null 2: backfill",
     "UPDATE lots SET supplier_id = (SELECT id FROM suppliers WHERE name = 'Default')\n"
     f"{BATCH.format(col='supplier_id')};", set()),
    ("not null 3: constraint",
     "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
     "ALTER TABLE lots ADD CONSTRAINT lots_supplier_id_not_null "
     "CHECK (supplier_id IS NOT NULL) NOT VALID;\n"
     "ALTER TABLE lots VALIDATE CONSTRAINT lots_supplier_id_not_null;\n"
     "ALTER TABLE lots ALTER COLUMN supplier_id SET NOT NULL;\n"
     "ALTER TABLE lots DROP CONSTRAINT lots_supplier_id_not_null;", set()),
    ("index",
     "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
     "CREATE INDEX CONCURRENTLY idx_lots_material_id ON lots(material_id);", set()),
    ("FK with ON DELETE",
     "-- agent:no-transaction\nSET lock_timeout = '2s';\n"
     "CREATE INDEX CONCURRENTLY idx_lots_supplier_id ON lots (supplier_id);\n"
     "ALTER TABLE lots ADD CONSTRAINT lots_supplier_fk FOREIGN KEY (supplier_id) "
     "REFERENCES suppliers (supplier_id) ON DELETE RESTRICT NOT VALID;\n"
     "ALTER TABLE lots VALIDATE CONSTRAINT lots_supplier_fk;", set()),
]


@pytest.mark.parametrize(("what", "sql", "code"), WRONG, ids=[w[0] for w in WRONG])
def test_seed_wrong_example_is_flagged(what: str, sql: str, code: str) -> None:
    assert code in codes(sql)


@pytest.mark.parametrize(("what", "sql", "allowed"), RIGHT, ids=[r[0] for r in RIGHT])
def test_seed_right_example_is_clean(what: str, sql: str, allowed: set[str]) -> None:
    assert set(codes(sql)) <= allowed


def test_varchar_in_the_seed_is_only_a_warning_and_off_by_default() -> None:
    assert lint_source("m.sql", RIGHT[0][1]).findings == ()
    report = lint_source("m.sql", RIGHT[0][1], RULES)
    assert [(f.code, f.severity) for f in report.findings] == [("MA502", Severity.WARNING)]


SEED_TEMPLATE_RLS = """
CREATE TABLE IF NOT EXISTS storage_locations (
    location_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL,
    location_code TEXT NOT NULL,
    parent_location_id UUID REFERENCES storage_locations(location_id) ON DELETE RESTRICT,
    CONSTRAINT storage_locations_unique_code_per_tenant UNIQUE (tenant_id, location_code)
);
CREATE INDEX idx_storage_locations_parent_id ON storage_locations(parent_location_id);
ALTER TABLE storage_locations ENABLE ROW LEVEL SECURITY;
CREATE POLICY storage_locations_tenant_isolation ON storage_locations
    FOR ALL
    USING (tenant_id = current_setting('app.current_tenant_id')::UUID);
"""


def test_seed_template_rls_faults_are_flagged() -> None:
    found = codes(SEED_TEMPLATE_RLS)
    assert {"MA603", "MA605", "MA606"} <= set(found)
    assert "MA604" not in found and "MA602" not in found


def test_seed_template_with_the_documented_fixes_is_clean() -> None:
    fixed = SEED_TEMPLATE_RLS.replace(
        "ENABLE ROW LEVEL SECURITY;",
        "ENABLE ROW LEVEL SECURITY;\nALTER TABLE storage_locations FORCE ROW LEVEL SECURITY;",
    ).replace(
        "USING (tenant_id = current_setting('app.current_tenant_id')::UUID);",
        "USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)\n"
        "WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);",
    )
    assert codes(fixed) == []


def test_seed_down_template_cascade_is_flagged_by_file_name() -> None:
    sql = "BEGIN;\nDROP TABLE IF EXISTS storage_locations CASCADE;\nCOMMIT;"
    assert "MA607" in codes(sql, "20251205103000_create_storage_locations_down.sql")
    assert "MA607" not in codes(sql, "20251205103000_create_storage_locations.sql")
