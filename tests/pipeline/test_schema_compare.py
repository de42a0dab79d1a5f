"""compare_schema: the catalog after `up` must hold exactly what the YAML promised."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.verify.apply import apply_sql
from agent.verify.schema_compare import compare_schema, format_type
from tests.generate.helpers import examples, generate

pytestmark = pytest.mark.integration


async def _applied(db: asyncpg.Connection) -> None:
    for migration in generate(examples()).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)


async def _failures(db: asyncpg.Connection) -> list[str]:
    findings = compare_schema(examples().schema, await read_catalog(db))
    return [f"{f.table}: {f.message}" for f in findings if not f.passed]


async def test_generated_examples_hold_exactly_the_promise(db: asyncpg.Connection) -> None:
    await _applied(db)
    assert await _failures(db) == []


@pytest.mark.parametrize(("sabotage", "expected"), [
    ("ALTER TABLE lots DROP CONSTRAINT lots_shelf_life_check",
     "lots: missing lots / check lots_shelf_life_check: the YAML promises expiration_date IS NULL OR "
     "manufactured_date IS NULL OR expiration_date >= manufactured_date"),
    ("ALTER TABLE lots DROP CONSTRAINT lots_storage_location_id_fkey, ADD CONSTRAINT lots_storage_location_id_fkey "
     "FOREIGN KEY (tenant_id, storage_location_id) REFERENCES storage_locations (tenant_id, location_id) "
     "ON DELETE CASCADE",
     "lots: lots / foreign key lots_storage_location_id_fkey: the YAML promises (tenant_id, storage_location_id) "
     "-> storage_locations (tenant_id, location_id) on delete SET NULL (storage_location_id), on update NO ACTION, "
     "the database has (tenant_id, storage_location_id) -> storage_locations (tenant_id, location_id) "
     "on delete CASCADE, on update NO ACTION"),
    ("DROP INDEX idx_lots_tenant_id_storage_location_id",
     "lots: missing lots / index idx_lots_tenant_id_storage_location_id: the YAML promises "
     "btree (tenant_id, storage_location_id)"),
    ("ALTER TABLE lots NO FORCE ROW LEVEL SECURITY",
     "lots: lots / row level security: the YAML promises enabled=True, forced=True, "
     "the database has enabled=True, forced=False"),
    ("ALTER TABLE storage_locations ADD COLUMN note text",
     "storage_locations: storage_locations / column note / type is in the database but not in the YAML (text)"),
    ("ALTER TABLE lots ALTER COLUMN quantity SET DEFAULT 1",
     "lots: lots / column quantity / default: the YAML promises 0, the database has 1"),
])
async def test_each_departure_is_named_in_words(db: asyncpg.Connection, sabotage: str, expected: str) -> None:
    await _applied(db)
    await db.execute(sabotage)
    assert expected in await _failures(db)


async def test_policy_without_with_check_is_caught(db: asyncpg.Connection) -> None:
    await _applied(db)
    await db.execute("DROP POLICY lots_tenant_isolation ON lots")
    await db.execute("CREATE POLICY lots_tenant_isolation ON lots FOR ALL USING "
                     "(tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)")
    failures = await _failures(db)
    assert any(f.startswith("lots: lots / policy lots_tenant_isolation: the YAML promises") and
               "with check -" in f.split("the database has")[1] for f in failures)


@pytest.mark.parametrize(("written", "catalog"), [
    ("VARCHAR(20)", "character varying(20)"), ("DECIMAL(12, 3)", "numeric(12,3)"),
    ("TIMESTAMPTZ", "timestamp with time zone"), ("TEXT[]", "text[]"), ("DOUBLE PRECISION", "double precision"),
])
def test_types_are_spelled_as_format_type(written: str, catalog: str) -> None:
    assert format_type(written) == catalog
