-- Migration: Build indexes of memories concurrently
-- Author: Database Migration Agent
-- Date: 2026-11-25
-- Dependencies: None
-- Rollback: 20261125083000_index_memories_down.sql
-- agent:no-transaction
-- agent:phase expand
-- agent:deploy before-app

SET lock_timeout = '2s';
SET statement_timeout = '6h';

-- ============================================
-- Indexes
-- ============================================

DROP INDEX CONCURRENTLY IF EXISTS idx_memories_fresh;
CREATE INDEX CONCURRENTLY idx_memories_fresh
    ON memories (agent_name, tier, updated_at);
