-- Migration: Create storage_locations table
-- Author: Database Migration Agent
-- Date: 2025-12-05
-- Dependencies: None
-- Rollback: 20251205103000_create_storage_locations_down.sql
-- agent:phase expand
-- agent:deploy before-app

BEGIN;

SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';

-- ============================================
-- Table: storage_locations
-- Purpose: Hierarchical storage location tracking for warehouse management. Supports multi-level hierarchy (warehouse -> zone -> aisle -> bin).
-- ============================================

CREATE TABLE storage_locations (
    -- Primary key
    location_id UUID NOT NULL DEFAULT gen_random_uuid(),

    -- Multi-tenant isolation
    tenant_id UUID NOT NULL,

    -- Columns
    location_code VARCHAR(20) NOT NULL,
    location_name VARCHAR(100) NOT NULL,
    location_type VARCHAR(20) NOT NULL,
    parent_location_id UUID,
    zone VARCHAR(10),
    aisle VARCHAR(10),
    capacity_weight DECIMAL(12, 3),
    capacity_volume DECIMAL(12, 3),
    current_utilization DECIMAL(5, 2) DEFAULT 0.0,
    is_active BOOLEAN DEFAULT true,
    is_pickable BOOLEAN DEFAULT true,
    is_receivable BOOLEAN DEFAULT true,

    -- Audit
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by UUID,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by UUID,

    -- Constraints
    CONSTRAINT storage_locations_pkey PRIMARY KEY (location_id),
    CONSTRAINT storage_locations_tenant_id_location_id_key UNIQUE (tenant_id, location_id),
    CONSTRAINT storage_locations_unique_code_per_tenant UNIQUE (tenant_id, location_code),
    CONSTRAINT storage_locations_location_type_check CHECK (location_type IN ('WAREHOUSE', 'ZONE', 'AISLE', 'BIN')),
    CONSTRAINT storage_locations_current_utilization_check CHECK (current_utilization BETWEEN 0 AND 100),
    CONSTRAINT storage_locations_capacity_check CHECK (capacity_weight > 0 AND capacity_volume > 0),
    CONSTRAINT storage_locations_parent_location_id_fkey FOREIGN KEY (tenant_id, parent_location_id) REFERENCES storage_locations (tenant_id, location_id) ON DELETE RESTRICT
);

-- ============================================
-- Indexes
-- ============================================

CREATE INDEX idx_storage_locations_tenant_id_parent_location_id
    ON storage_locations (tenant_id, parent_location_id);

CREATE INDEX idx_storage_locations_tenant_id_location_type_zone
    ON storage_locations (tenant_id, location_type, zone);

CREATE INDEX idx_storage_locations_updated_at
    ON storage_locations (updated_at);

-- ============================================
-- Triggers
-- ============================================

CREATE FUNCTION update_updated_at_column()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- A batched backfill is not an edit: it keeps updated_at as it was.
    IF pg_catalog.current_setting('migration_agent.backfill', true) = 'on'
            AND NOT pg_catalog.row_security_active(TG_RELID)
            AND pg_catalog.has_table_privilege(TG_RELID, 'TRIGGER') THEN
        RETURN NEW;
    END IF;
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER storage_locations_updated_at
    BEFORE UPDATE ON storage_locations
    FOR EACH ROW
    EXECUTE FUNCTION update_updated_at_column();

-- ============================================
-- Row-Level Security
-- ============================================

ALTER TABLE storage_locations ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage_locations FORCE ROW LEVEL SECURITY;

CREATE POLICY storage_locations_tenant_isolation ON storage_locations
    FOR ALL
    USING (tenant_id = CAST(NULLIF(current_setting('app.current_tenant_id', TRUE), '') AS uuid))
    WITH CHECK (tenant_id = CAST(NULLIF(current_setting('app.current_tenant_id', TRUE), '') AS uuid));

-- ============================================
-- Comments (Documentation)
-- ============================================

COMMENT ON TABLE storage_locations IS
    'Hierarchical storage location tracking for warehouse management. Supports multi-level hierarchy (warehouse -> zone -> aisle -> bin).';

COMMENT ON COLUMN storage_locations.location_code IS
    'Unique location identifier within tenant. Format: [ZONE]-[AISLE]-[BIN] (e.g., "A-01-05")';

COMMENT ON COLUMN storage_locations.capacity_weight IS
    'Maximum weight capacity in kilograms';

COMMENT ON COLUMN storage_locations.current_utilization IS
    'Current capacity utilization as percentage (0-100)';

COMMENT ON CONSTRAINT storage_locations_parent_location_id_fkey ON storage_locations IS
    'a location that still has child locations must not disappear under them';

COMMIT;
