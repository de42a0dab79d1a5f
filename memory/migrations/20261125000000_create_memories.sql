-- Migration: Create memories table
-- Author: Database Migration Agent
-- Date: 2026-11-25
-- Dependencies: None
-- Rollback: 20261125000000_create_memories_down.sql
-- agent:phase expand
-- agent:deploy before-app

BEGIN;

SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';

-- ============================================
-- Table: memories
-- Purpose: One memory of one agent, in one tier; upserted by (agent_name, tier, kind, key).
-- ============================================

CREATE TABLE memories (
    -- Primary key
    memory_id UUID NOT NULL DEFAULT gen_random_uuid(),

    -- Columns
    agent_name VARCHAR(100) NOT NULL,
    tier VARCHAR(7) NOT NULL,
    kind VARCHAR(60) NOT NULL,
    key VARCHAR(300) NOT NULL,
    content JSONB NOT NULL DEFAULT '{}'::jsonb,
    about TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    importance DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    session_id VARCHAR(100),
    recall_count INTEGER NOT NULL DEFAULT 0,
    last_recalled_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,

    -- Audit
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by UUID,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by UUID,

    -- Constraints
    CONSTRAINT memories_pkey PRIMARY KEY (memory_id),
    CONSTRAINT memories_upsert_key UNIQUE (agent_name, tier, kind, key),
    CONSTRAINT memories_tier_check CHECK (tier IN ('core', 'long', 'medium', 'recent', 'compost')),
    CONSTRAINT memories_importance_check CHECK (importance BETWEEN 0 AND 1),
    CONSTRAINT memories_recall_count_check CHECK (recall_count >= 0)
);

-- ============================================
-- Indexes
-- ============================================

CREATE INDEX idx_memories_rank
    ON memories (agent_name, tier, importance);

CREATE INDEX idx_memories_about
    ON memories USING gin (about);

CREATE INDEX idx_memories_recent
    ON memories (agent_name, created_at) WHERE tier = 'recent';

CREATE INDEX idx_memories_updated_at
    ON memories (updated_at);

-- ============================================
-- Triggers
-- ============================================

CREATE FUNCTION update_updated_at_column()
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

CREATE TRIGGER memories_updated_at
    BEFORE UPDATE ON memories
    FOR EACH ROW
    EXECUTE FUNCTION update_updated_at_column();

-- ============================================
-- Comments (Documentation)
-- ============================================

COMMENT ON TABLE memories IS
    'One memory of one agent, in one tier; upserted by (agent_name, tier, kind, key).';

COMMENT ON COLUMN memories.kind IS
    'what the memory is, e.g. lesson, table_schema, migration, history, failed_approach, job';

COMMENT ON COLUMN memories.key IS
    'the upsert key within agent, tier and kind, e.g. a table name, a job id, a rule code';

COMMENT ON COLUMN memories.about IS
    'what the memory is relevant to (table names, rule codes, operation kinds)';

COMMIT;
