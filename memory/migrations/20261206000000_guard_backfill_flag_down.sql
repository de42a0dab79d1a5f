-- Rollback: The updated_at trigger honours the backfill setting only for a migration session
-- Reverts: 20261206000000_guard_backfill_flag.sql
-- Author: Database Migration Agent
-- Date: 2026-12-06
-- agent:direction down

BEGIN;

SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';

-- ============================================
-- Triggers
-- ============================================

CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- A batched backfill is not an edit: it keeps updated_at as it was.
    IF current_setting('migration_agent.backfill', true) = 'on' THEN
        RETURN NEW;
    END IF;
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

COMMIT;
