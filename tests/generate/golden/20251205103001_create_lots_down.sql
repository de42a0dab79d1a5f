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

CREATE TABLE _backup_lots_20251205103001 AS TABLE lots;
ALTER TABLE _backup_lots_20251205103001 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;

-- ============================================
-- Table: lots
-- ============================================

DROP TABLE lots RESTRICT;

COMMIT;
