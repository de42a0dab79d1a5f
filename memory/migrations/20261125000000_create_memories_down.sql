-- Rollback: Create memories table
-- Reverts: 20261125000000_create_memories.sql
-- Author: Database Migration Agent
-- Date: 2026-11-25
-- WARNING: drops memories; its rows are copied to _backup_memories_20261125000000 first.
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
    IF to_regclass(quote_ident('_backup_memories_20261125000000')) IS NOT NULL THEN
        WHILE to_regclass(quote_ident(left('_backup_memories_20261125000000', 62 - length(n::text)) || '_' || n)) IS NOT NULL LOOP
            n := n + 1;
        END LOOP;
        EXECUTE format('ALTER TABLE %I RENAME TO %I', '_backup_memories_20261125000000', left('_backup_memories_20261125000000', 62 - length(n::text)) || '_' || n);
    END IF;
END
$$;
CREATE TABLE _backup_memories_20261125000000 AS TABLE memories;
ALTER TABLE _backup_memories_20261125000000 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;

-- ============================================
-- Table: memories
-- ============================================

DROP TABLE memories RESTRICT;

-- ============================================
-- Triggers
-- ============================================

DROP FUNCTION update_updated_at_column();

COMMIT;
