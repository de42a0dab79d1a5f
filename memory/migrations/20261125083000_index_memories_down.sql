-- Rollback: Build indexes of memories concurrently
-- Reverts: 20261125083000_index_memories.sql
-- Author: Database Migration Agent
-- Date: 2026-11-25
-- agent:no-transaction
-- agent:direction down

SET lock_timeout = '2s';
SET statement_timeout = '6h';

-- ============================================
-- Indexes
-- ============================================

DROP INDEX CONCURRENTLY idx_memories_fresh;
