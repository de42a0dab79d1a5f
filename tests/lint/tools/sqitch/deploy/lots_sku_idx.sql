-- Deploy lots:lots_sku_idx to pg
-- no BEGIN: CONCURRENTLY runs outside a transaction

SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY lots_sku_idx ON lots (sku);
