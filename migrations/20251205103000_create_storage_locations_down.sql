-- Rollback: Create storage_locations table
-- Reverts: 20251205103000_create_storage_locations.sql
-- Author: Database Migration Agent
-- Date: 2025-12-05
-- WARNING: drops storage_locations; its rows are copied to _backup_storage_locations_20251205103000 first.
-- agent:direction down
-- agent:destructive

BEGIN;

SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';
SET LOCAL row_security = off;

-- ============================================
-- Backups (copied before any lock is taken)
-- ============================================

DO $$
DECLARE
    n int := 1;
BEGIN
    IF to_regclass(quote_ident('_backup_storage_locations_20251205103000')) IS NOT NULL THEN
        WHILE to_regclass(quote_ident(left('_backup_storage_locations_20251205103000', 62 - length(n::text)) || '_' || n)) IS NOT NULL LOOP
            n := n + 1;
        END LOOP;
        EXECUTE format('ALTER TABLE %I RENAME TO %I', '_backup_storage_locations_20251205103000', left('_backup_storage_locations_20251205103000', 62 - length(n::text)) || '_' || n);
    END IF;
END
$$;
CREATE TABLE _backup_storage_locations_20251205103000 AS TABLE storage_locations;
ALTER TABLE _backup_storage_locations_20251205103000 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;

-- ============================================
-- Table: storage_locations
-- ============================================

DROP TABLE storage_locations RESTRICT;

-- ============================================
-- Triggers
-- ============================================

DROP FUNCTION update_updated_at_column();

COMMIT;
