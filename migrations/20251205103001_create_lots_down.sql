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
SET LOCAL row_security = off;

-- ============================================
-- Backups (copied before any lock is taken)
-- ============================================

DO $$
DECLARE
    n int := 1;
BEGIN
    IF to_regclass(quote_ident('_backup_lots_20251205103001')) IS NOT NULL THEN
        WHILE to_regclass(quote_ident(left('_backup_lots_20251205103001', 62 - length(n::text)) || '_' || n)) IS NOT NULL LOOP
            n := n + 1;
        END LOOP;
        EXECUTE format('ALTER TABLE %I RENAME TO %I', '_backup_lots_20251205103001', left('_backup_lots_20251205103001', 62 - length(n::text)) || '_' || n);
    END IF;
END
$$;
CREATE TABLE _backup_lots_20251205103001 AS TABLE lots;
ALTER TABLE _backup_lots_20251205103001 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;

-- ============================================
-- Table: lots
-- ============================================

DROP TABLE lots RESTRICT;

COMMIT;
