"""Fingerprints and compare() over real databases: stable when nothing changed,
different (and named in words) after each kind of change."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import compare, fingerprint, read_catalog

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


async def test_two_reads_give_the_same_fingerprint(built_db: asyncpg.Connection) -> None:
    first, second = await read_catalog(built_db), await read_catalog(built_db)
    assert first == second
    assert fingerprint(first) == fingerprint(second)


async def test_two_databases_built_alike_give_the_same_fingerprint(
    built_db: asyncpg.Connection, other_db: asyncpg.Connection, full_ddl: str
) -> None:
    # Different OIDs in the second database: objects made before the DDL shift them.
    await other_db.execute("CREATE TABLE spacer (id int); DROP TABLE spacer;")
    await other_db.execute(full_ddl)
    first, second = await read_catalog(built_db), await read_catalog(other_db)
    assert compare(first, second) == []
    assert fingerprint(first) == fingerprint(second)


async def test_the_callers_search_path_does_not_matter(built_db: asyncpg.Connection) -> None:
    before = await read_catalog(built_db)
    await built_db.execute("CREATE SCHEMA elsewhere; SET search_path = elsewhere, pg_catalog")
    assert fingerprint(await read_catalog(built_db)) == fingerprint(before)
    assert await built_db.fetchval("SHOW search_path") == "elsewhere, pg_catalog"


CHANGES = [
    pytest.param(
        "ALTER TABLE lots ALTER COLUMN quantity SET DEFAULT 1",
        "table lots / column quantity / default",
        "column lots.quantity: default is 0 in the first, 1 in the second",
        id="default",
    ),
    pytest.param(
        "DROP INDEX idx_lots_active;"
        " CREATE INDEX idx_lots_active ON lots (tenant_id) WHERE is_active = false;"
        " COMMENT ON INDEX idx_lots_active IS 'active lots per tenant'",
        "table lots / index idx_lots_active / predicate",
        "index idx_lots_active on lots: predicate is is_active = true in the first,"
        " is_active = false in the second",
        id="index-predicate",
    ),
    pytest.param(
        "ALTER POLICY lots_insert_positive ON lots WITH CHECK (quantity >= 0)",
        "table lots / policy lots_insert_positive / with_check",
        "policy lots_insert_positive on lots: WITH CHECK is quantity > 0::numeric in the"
        " first, quantity >= 0::numeric in the second",
        id="policy-with-check",
    ),
    pytest.param(
        "ALTER TABLE lots NO FORCE ROW LEVEL SECURITY",
        "table lots / rls_forced",
        "table lots: forced row level security is true in the first, false in the second",
        id="force-rls-off",
    ),
    pytest.param(
        "ALTER TABLE lots DROP CONSTRAINT lots_location_fk,"
        " ADD CONSTRAINT lots_location_fk FOREIGN KEY (tenant_id, storage_location_id)"
        " REFERENCES storage_locations (tenant_id, location_id) ON DELETE CASCADE"
        " ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED;"
        " COMMENT ON CONSTRAINT lots_location_fk ON lots IS"
        " 'removing a location unplaces the lot'",
        "table lots / constraint lots_location_fk / on_delete",
        "constraint lots_location_fk on lots: ON DELETE is SET NULL (storage_location_id)"
        " in the first, CASCADE in the second",
        id="foreign-key-action",
    ),
    pytest.param(
        "ALTER TABLE lots VALIDATE CONSTRAINT lots_quantity_check",
        "table lots / constraint lots_quantity_check / validated",
        "constraint lots_quantity_check on lots: validated is false in the first,"
        " true in the second",
        id="validate-check",
    ),
    pytest.param(
        "ALTER VIEW active_lots SET (security_invoker = off)",
        "view active_lots / security_invoker",
        "view active_lots: security_invoker is true in the first, false in the second",
        id="view-security-invoker",
    ),
    pytest.param(
        "ALTER TABLE lots ENABLE TRIGGER lots_quantity_audit",
        "table lots / trigger lots_quantity_audit / enabled",
        "trigger lots_quantity_audit on lots: enabled is disabled in the first,"
        " origin in the second",
        id="trigger-enabled",
    ),
    pytest.param(
        "CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$",
        "function update_updated_at_column() / body",
        "function update_updated_at_column(): body differs between the first and the second",
        id="function-body",
    ),
    pytest.param(
        "DROP INDEX idx_lots_location",
        "table lots / index idx_lots_location",
        "index idx_lots_location on lots is in the first but not in the second",
        id="index-dropped",
    ),
    pytest.param(
        "REVOKE INSERT ON lots FROM app_user",
        "table lots / grant INSERT to app_user",
        "grant INSERT to app_user on lots is in the first but not in the second",
        id="grant-revoked",
    ),
    pytest.param(
        "COMMENT ON COLUMN lots.note IS 'free text'",
        "table lots / column note / comment",
        "column lots.note: comment is none in the first, free text in the second",
        id="column-comment",
    ),
]


@pytest.mark.parametrize(("ddl", "path", "message"), CHANGES)
async def test_each_change_moves_the_fingerprint_and_is_named(
    built_db: asyncpg.Connection, ddl: str, path: str, message: str
) -> None:
    before = await read_catalog(built_db)
    await built_db.execute(ddl)
    after = await read_catalog(built_db)
    assert fingerprint(after) != fingerprint(before)
    (difference,) = compare(before, after)
    assert (difference.path, difference.message) == (path, message)


async def test_a_table_added_is_extra_and_dropping_it_restores_the_fingerprint(
    built_db: asyncpg.Connection,
) -> None:
    before = await read_catalog(built_db)
    await built_db.execute("CREATE TABLE pallets (pallet_id uuid PRIMARY KEY)")
    after = await read_catalog(built_db)
    assert [(d.kind, d.message) for d in compare(before, after)] == [
        ("extra", "table pallets is in the second but not in the first"),
    ]
    await built_db.execute("DROP TABLE pallets")
    assert fingerprint(await read_catalog(built_db)) == fingerprint(before)


async def test_reading_inside_a_transaction_sees_it_and_leaves_it_open(
    built_db: asyncpg.Connection,
) -> None:
    async with built_db.transaction():
        await built_db.execute("SET LOCAL search_path = pg_catalog")
        await built_db.execute("CREATE TABLE public.pallets (pallet_id uuid PRIMARY KEY)")
        inside = await read_catalog(built_db)
        assert built_db.is_in_transaction()
        assert await built_db.fetchval("SHOW search_path") == "pg_catalog"
        await built_db.execute("SET LOCAL search_path = public")
        await built_db.execute("CREATE INDEX pallets_extra ON pallets (pallet_id)")
    assert "pallets" in [t.name for t in inside.tables]
    assert [i.name for i in (await read_catalog(built_db)).table("pallets").indexes] == [
        "pallets_extra", "pallets_pkey",
    ]


async def test_reading_outside_a_transaction_leaves_none_open(
    built_db: asyncpg.Connection,
) -> None:
    await read_catalog(built_db)
    assert not built_db.is_in_transaction()
    await built_db.execute("CREATE TABLE after_read (id int)")  # a read-only snapshot would refuse
