"""Generated migrations on a real PostgreSQL: they apply, roll back exactly, and isolate tenants."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from agent.catalog import compare, fingerprint, read_catalog
from agent.jobs.generate import GenerateOutcome
from agent.verify.apply import apply_sql, without_backups
from tests.generate.helpers import examples, generate

pytestmark = pytest.mark.integration

TENANT_A = uuid.UUID("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")
TENANT_B = uuid.UUID("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb")


async def apply_up(db: asyncpg.Connection, outcome: GenerateOutcome) -> None:
    for migration in outcome.migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)


async def apply_down(db: asyncpg.Connection, outcome: GenerateOutcome) -> None:
    for migration in reversed(outcome.migrations):
        await apply_sql(db, migration.down_name, migration.down_sql)


async def test_up_down_up_restores_the_exact_catalog(db: asyncpg.Connection) -> None:
    outcome = generate(examples())
    before = await read_catalog(db)
    await apply_up(db, outcome)
    after = await read_catalog(db)
    assert {t.name for t in after.tables} == {"lots", "storage_locations"}
    await apply_down(db, outcome)
    restored = await read_catalog(db)
    assert compare(before, without_backups(restored)) == []
    assert not restored.functions
    assert {t.name for t in restored.tables} == {
        "_backup_lots_20251205103001", "_backup_storage_locations_20251205103000"}
    await apply_up(db, outcome)
    assert fingerprint(without_backups(await read_catalog(db))) == fingerprint(after)


async def test_storage_locations_matches_the_seed_table_with_the_spec_fixes(db: asyncpg.Connection) -> None:
    await apply_up(db, generate(examples()))
    table = (await read_catalog(db)).table("storage_locations")
    assert table is not None
    columns = {c.name: (c.type, c.not_null, c.default) for c in table.columns}
    assert columns == {
        "location_id": ("uuid", True, "gen_random_uuid()"),
        "tenant_id": ("uuid", True, None),
        "location_code": ("character varying(20)", True, None),
        "location_name": ("character varying(100)", True, None),
        "location_type": ("character varying(20)", True, None),
        "parent_location_id": ("uuid", False, None),
        "zone": ("character varying(10)", False, None),
        "aisle": ("character varying(10)", False, None),
        "capacity_weight": ("numeric(12,3)", False, None),
        "capacity_volume": ("numeric(12,3)", False, None),
        "current_utilization": ("numeric(5,2)", False, "0.0"),
        "is_active": ("boolean", False, "true"),
        "is_pickable": ("boolean", False, "true"),
        "is_receivable": ("boolean", False, "true"),
        "created_at": ("timestamp with time zone", True, "now()"),
        "created_by": ("uuid", False, None),
        "updated_at": ("timestamp with time zone", True, "now()"),
        "updated_by": ("uuid", False, None),
    }
    constraints = {c.name: c for c in table.constraints}
    assert constraints["storage_locations_unique_code_per_tenant"].columns == ("tenant_id", "location_code")
    assert "capacity_weight > " in (constraints["storage_locations_capacity_check"].expression or "")
    utilization = constraints["storage_locations_current_utilization_check"].definition
    assert "current_utilization >= " in utilization and "current_utilization <= " in utilization
    assert "'WAREHOUSE'" in constraints["storage_locations_location_type_check"].definition
    parent_key = constraints["storage_locations_parent_location_id_fkey"]
    assert (parent_key.columns, parent_key.referenced_columns, parent_key.on_delete) == (
        ("tenant_id", "parent_location_id"), ("tenant_id", "location_id"), "RESTRICT")
    indexes = {i.name: i.keys for i in table.indexes}
    assert indexes["idx_storage_locations_tenant_id_location_type_zone"] == ("tenant_id", "location_type", "zone")
    assert indexes["idx_storage_locations_updated_at"] == ("updated_at",)
    assert indexes["idx_storage_locations_tenant_id_parent_location_id"] == ("tenant_id", "parent_location_id")
    assert (table.rls_enabled, table.rls_forced) == (True, True)
    (policy,) = table.policies
    assert policy.command == "ALL"
    assert "current_setting('app.current_tenant_id'::text, true)" in (policy.using or "")
    assert policy.with_check == policy.using
    assert [t.name for t in table.triggers] == ["storage_locations_updated_at"]


async def test_a_lot_cannot_point_at_another_tenants_location(db: asyncpg.Connection) -> None:
    await apply_up(db, generate(examples()))
    await db.execute("SET app.current_tenant_id = ''")
    await db.execute("ALTER TABLE storage_locations NO FORCE ROW LEVEL SECURITY")
    await db.execute("ALTER TABLE lots NO FORCE ROW LEVEL SECURITY")
    location_b = await db.fetchval(
        "INSERT INTO storage_locations (tenant_id, location_code, location_name, location_type) "
        "VALUES ($1, 'WH-02', 'Warehouse 2', 'WAREHOUSE') RETURNING location_id", TENANT_B)
    insert_lot = ("INSERT INTO lots (tenant_id, lot_number, material_id, storage_location_id, unit_of_measure) "
                  "VALUES ($1, $2, gen_random_uuid(), $3, 'EA')")
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await db.execute(insert_lot, TENANT_A, "LOT-A", location_b)
    await db.execute(insert_lot, TENANT_B, "LOT-B", location_b)
    assert await db.fetchval("SELECT count(*) FROM lots") == 1


async def test_deleting_a_location_unplaces_its_lots_but_keeps_the_tenant(db: asyncpg.Connection) -> None:
    await apply_up(db, generate(examples()))
    await db.execute("ALTER TABLE storage_locations NO FORCE ROW LEVEL SECURITY")
    await db.execute("ALTER TABLE lots NO FORCE ROW LEVEL SECURITY")
    location = await db.fetchval(
        "INSERT INTO storage_locations (tenant_id, location_code, location_name, location_type) "
        "VALUES ($1, 'BIN-1', 'Bin', 'BIN') RETURNING location_id", TENANT_A)
    await db.execute(
        "INSERT INTO lots (tenant_id, lot_number, material_id, storage_location_id, unit_of_measure) "
        "VALUES ($1, 'L1', gen_random_uuid(), $2, 'KG')", TENANT_A, location)
    await db.execute("DELETE FROM storage_locations WHERE location_id = $1", location)
    row = await db.fetchrow("SELECT tenant_id, storage_location_id FROM lots")
    assert (row["tenant_id"], row["storage_location_id"]) == (TENANT_A, None)


async def test_updated_at_trigger_moves_the_timestamp(db: asyncpg.Connection) -> None:
    await apply_up(db, generate(examples()))
    await db.execute("ALTER TABLE storage_locations NO FORCE ROW LEVEL SECURITY")
    await db.execute(
        "INSERT INTO storage_locations (tenant_id, location_code, location_name, location_type, updated_at) "
        "VALUES ($1, 'Z', 'Zone', 'ZONE', '2000-01-01')", TENANT_A)
    await db.execute("UPDATE storage_locations SET location_name = 'Zone 1'")
    assert await db.fetchval("SELECT updated_at > '2001-01-01' FROM storage_locations")


async def test_down_keeps_the_rows_in_a_backup_table(db: asyncpg.Connection) -> None:
    outcome = generate(examples())
    await apply_up(db, outcome)
    await db.execute("ALTER TABLE storage_locations NO FORCE ROW LEVEL SECURITY")
    await db.execute(
        "INSERT INTO storage_locations (tenant_id, location_code, location_name, location_type) "
        "VALUES ($1, 'A-01', 'Aisle', 'AISLE')", TENANT_A)
    await apply_down(db, outcome)
    assert await db.fetchval("SELECT location_code FROM _backup_storage_locations_20251205103000") == "A-01"
    assert await db.fetchval("SELECT to_regclass('storage_locations')") is None
