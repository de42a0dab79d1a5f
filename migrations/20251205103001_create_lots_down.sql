-- Rollback: Create lots table
-- Reverts: 20251205103001_create_lots.sql
-- Author: Database Migration Agent
-- Date: 2025-12-05
-- WARNING: drops lots; its rows are copied to _backup_lots_20251205103001 first.
-- agent:direction down
-- agent:destructive

BEGIN;

SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';

-- ============================================
-- Row-Level Security
-- ============================================

DROP POLICY lots_tenant_isolation ON lots;

-- ============================================
-- Triggers
-- ============================================

DROP TRIGGER lots_updated_at ON lots;

-- ============================================
-- Indexes
-- ============================================

DROP INDEX idx_lots_updated_at;

DROP INDEX idx_lots_active;

DROP INDEX idx_lots_attributes;

DROP INDEX idx_lots_expiration_date;

DROP INDEX idx_lots_tenant_id_quality_status_expiration_date;

DROP INDEX idx_lots_material_id;

DROP INDEX idx_lots_tenant_id_storage_location_id;

-- ============================================
-- Table: lots
-- ============================================

CREATE TABLE _backup_lots_20251205103001 AS TABLE lots;
DROP TABLE lots RESTRICT;

COMMIT;
