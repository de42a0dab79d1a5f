-- Migration: The updated_at trigger honours the backfill setting only for a migration session
-- Author: Database Migration Agent
-- Date: 2026-12-06
-- Dependencies: 20261125000000_create_memories.sql
-- Rollback: 20261206000000_guard_backfill_flag_down.sql
-- agent:phase expand
-- agent:deploy before-app

BEGIN;

SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';

-- ============================================
-- Triggers
-- ============================================

-- Any session may set migration_agent.backfill; 20261125000000_create_memories.sql was applied
-- to real databases as it is (its checksum is recorded), so the function is replaced here.
CREATE OR REPLACE FUNCTION update_updated_at_column()
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

COMMIT;
