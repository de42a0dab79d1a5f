-- Migration: Create lots table
-- Author: Database Migration Agent
-- Date: 2025-12-05
-- Dependencies: 20251205103000_create_storage_locations
-- Rollback: 20251205103001_create_lots_down.sql
-- agent:phase expand
-- agent:deploy before-app

BEGIN;

SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';

-- ============================================
-- Table: lots
-- Purpose: A lot (batch) of one material received into the warehouse, with its quality status, shelf life and current storage location.
-- ============================================

CREATE TABLE lots (
    -- Primary key
    lot_id UUID NOT NULL DEFAULT gen_random_uuid(),

    -- Multi-tenant isolation
    tenant_id UUID NOT NULL,

    -- Columns
    lot_number VARCHAR(50) NOT NULL,
    material_id UUID NOT NULL,
    storage_location_id UUID,
    quantity DECIMAL(14, 3) NOT NULL DEFAULT 0,
    unit_of_measure VARCHAR(2) NOT NULL,
    quality_status VARCHAR(10) NOT NULL DEFAULT 'QUARANTINE',
    manufactured_date DATE,
    expiration_date DATE,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    attributes JSONB NOT NULL DEFAULT '{}'::jsonb,
    is_active BOOLEAN NOT NULL DEFAULT true,

    -- Audit
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by UUID,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by UUID,

    -- Constraints
    CONSTRAINT lots_pkey PRIMARY KEY (lot_id),
    CONSTRAINT lots_tenant_id_lot_number_key UNIQUE (tenant_id, lot_number),
    CONSTRAINT lots_quantity_check CHECK (quantity >= 0),
    CONSTRAINT lots_unit_of_measure_check CHECK (unit_of_measure IN ('EA', 'KG', 'L', 'M')),
    CONSTRAINT lots_quality_status_check CHECK (quality_status IN ('QUARANTINE', 'RELEASED', 'REJECTED', 'EXPIRED')),
    CONSTRAINT lots_shelf_life_check CHECK (expiration_date IS NULL OR manufactured_date IS NULL OR expiration_date >= manufactured_date),
    CONSTRAINT lots_storage_location_id_fkey FOREIGN KEY (tenant_id, storage_location_id) REFERENCES storage_locations (tenant_id, location_id) ON DELETE SET NULL (storage_location_id)
);

-- ============================================
-- Indexes
-- ============================================

CREATE INDEX idx_lots_tenant_id_storage_location_id
    ON lots (tenant_id, storage_location_id);

CREATE INDEX idx_lots_material_id
    ON lots (material_id);

CREATE INDEX idx_lots_tenant_id_quality_status_expiration_date
    ON lots (tenant_id, quality_status, expiration_date);

CREATE INDEX idx_lots_expiration_date
    ON lots (expiration_date);

CREATE INDEX idx_lots_attributes
    ON lots USING gin (attributes);

CREATE INDEX idx_lots_active
    ON lots (tenant_id) WHERE is_active = TRUE;

CREATE INDEX idx_lots_updated_at
    ON lots (updated_at);

-- ============================================
-- Triggers
-- ============================================

CREATE TRIGGER lots_updated_at
    BEFORE UPDATE ON lots
    FOR EACH ROW
    EXECUTE FUNCTION update_updated_at_column();

-- ============================================
-- Row-Level Security
-- ============================================

ALTER TABLE lots ENABLE ROW LEVEL SECURITY;
ALTER TABLE lots FORCE ROW LEVEL SECURITY;

CREATE POLICY lots_tenant_isolation ON lots
    FOR ALL
    USING (tenant_id = CAST(NULLIF(current_setting('app.current_tenant_id', TRUE), '') AS uuid))
    WITH CHECK (tenant_id = CAST(NULLIF(current_setting('app.current_tenant_id', TRUE), '') AS uuid));

-- ============================================
-- Comments (Documentation)
-- ============================================

COMMENT ON TABLE lots IS
    'A lot (batch) of one material received into the warehouse, with its quality status, shelf life and current storage location.';

COMMENT ON COLUMN lots.lot_number IS
    'Supplier or internal lot number, unique within a tenant';

COMMENT ON COLUMN lots.material_id IS
    'Material master record (owned by the catalog service)';

COMMENT ON COLUMN lots.attributes IS
    'Free-form lot attributes, e.g. {"color": "blue", "grade": "A"}';

COMMENT ON CONSTRAINT lots_storage_location_id_fkey ON lots IS
    'removing a location must not delete the stock record; the lot becomes unplaced';

COMMIT;
