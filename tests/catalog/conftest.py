"""Fixtures of the catalog tests: a database built with every feature the Catalog reads.

`FULL_DDL` is the reference schema; `built_db` is a fresh database holding it and
`other_built_db` a second, separate one built by the same DDL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

FULL_DDL = """
CREATE EXTENSION btree_gist;
CREATE EXTENSION pg_buffercache;

CREATE TYPE lot_grade AS ENUM ('A', 'B', 'C');
COMMENT ON TYPE lot_grade IS 'quality grade';

CREATE SEQUENCE lot_labels AS integer START 100 INCREMENT 5 MINVALUE 100 MAXVALUE 100000 CYCLE;

CREATE TABLE storage_locations (
    location_id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    location_code varchar(30) NOT NULL,
    CONSTRAINT storage_locations_pkey PRIMARY KEY (location_id),
    CONSTRAINT storage_locations_tenant_location_key UNIQUE (tenant_id, location_id)
);

CREATE TABLE lots (
    lot_id bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id uuid NOT NULL,
    lot_number varchar(50) NOT NULL,
    storage_location_id uuid,
    quantity numeric(14,3) NOT NULL DEFAULT 0,
    doubled numeric GENERATED ALWAYS AS (quantity * 2) STORED,
    grade lot_grade,
    label_no integer DEFAULT nextval('lot_labels'),
    attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
    is_active boolean NOT NULL DEFAULT true,
    note text COLLATE "C",
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lots_pkey PRIMARY KEY (lot_id),
    CONSTRAINT lots_tenant_number_key UNIQUE (tenant_id, lot_number),
    CONSTRAINT lots_location_fk FOREIGN KEY (tenant_id, storage_location_id)
        REFERENCES storage_locations (tenant_id, location_id)
        ON DELETE SET NULL (storage_location_id) ON UPDATE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE lots ADD CONSTRAINT lots_quantity_check CHECK (quantity >= 0) NOT VALID;

CREATE INDEX idx_lots_active ON lots (tenant_id) WHERE is_active = true;
CREATE UNIQUE INDEX idx_lots_lower_number ON lots (tenant_id, lower(lot_number));
CREATE INDEX idx_lots_covering ON lots (tenant_id, updated_at DESC) INCLUDE (quantity, grade);
CREATE INDEX idx_lots_attributes ON lots USING gin (attributes jsonb_path_ops);
CREATE INDEX idx_lots_location ON lots (tenant_id, storage_location_id);

ALTER TABLE lots ENABLE ROW LEVEL SECURITY;
ALTER TABLE lots FORCE ROW LEVEL SECURITY;
ALTER TABLE storage_locations ENABLE ROW LEVEL SECURITY;

CREATE POLICY lots_tenant_isolation ON lots FOR ALL
    USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY lots_hide_inactive ON lots AS RESTRICTIVE FOR SELECT TO app_user
    USING (is_active);
CREATE POLICY lots_insert_positive ON lots FOR INSERT WITH CHECK (quantity > 0);

CREATE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;
CREATE FUNCTION lot_weight(q numeric, factor integer DEFAULT 1) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT RETURN q * factor;
CREATE FUNCTION tenant_lot_count(p_tenant uuid) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS 'SELECT count(*) FROM lots WHERE tenant_id = p_tenant';

CREATE TRIGGER lots_updated_at BEFORE UPDATE ON lots
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER lots_quantity_audit AFTER INSERT OR UPDATE OF quantity, is_active OR DELETE
    ON lots FOR EACH STATEMENT EXECUTE FUNCTION update_updated_at_column();
ALTER TABLE lots DISABLE TRIGGER lots_quantity_audit;

CREATE TABLE dock_bookings (
    dock integer NOT NULL,
    during tstzrange NOT NULL,
    CONSTRAINT dock_bookings_no_overlap EXCLUDE USING gist (dock WITH =, during WITH &&)
);

CREATE VIEW active_lots WITH (security_invoker = on) AS
    SELECT lot_id, tenant_id, lot_number FROM lots WHERE is_active;

GRANT SELECT, INSERT ON lots TO app_user;
GRANT SELECT ON active_lots TO app_user;

COMMENT ON TABLE lots IS 'A lot of one material';
COMMENT ON COLUMN lots.quantity IS 'Quantity on hand';
COMMENT ON CONSTRAINT lots_location_fk ON lots IS 'removing a location unplaces the lot';
COMMENT ON INDEX idx_lots_active IS 'active lots per tenant';
COMMENT ON POLICY lots_tenant_isolation ON lots IS 'one tenant per session';
COMMENT ON TRIGGER lots_updated_at ON lots IS 'keeps updated_at current';
COMMENT ON FUNCTION update_updated_at_column() IS 'sets updated_at';
COMMENT ON VIEW active_lots IS 'active lots only';
COMMENT ON SEQUENCE lot_labels IS 'label numbers';
"""


@pytest.fixture(scope="session")
def full_ddl() -> str:
    return FULL_DDL


@pytest_asyncio.fixture(loop_scope="session")
async def built_db(db: asyncpg.Connection) -> asyncpg.Connection:
    await db.execute(FULL_DDL)
    return db


@pytest_asyncio.fixture(loop_scope="session")
async def other_db(
    postgres_server_url: str, template_database: str, fresh_database_url: str
) -> AsyncIterator[asyncpg.Connection]:
    """A second fresh database, separate from `db`, on the same server."""
    name = f"test_catalog_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        connection = await asyncpg.connect(_sibling_url(fresh_database_url, name))
        try:
            yield connection
        finally:
            await connection.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _sibling_url(url: str, database: str) -> str:
    """`url` with its database name replaced (a query string is kept)."""
    base, mark, query = url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{database}{mark}{query}"


@pytest_asyncio.fixture(loop_scope="session")
async def other_built_db(other_db: asyncpg.Connection) -> asyncpg.Connection:
    await other_db.execute(FULL_DDL)
    return other_db
