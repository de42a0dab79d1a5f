-- Revert lots:lots_sku_idx from pg

SET lock_timeout = '2s';
DROP INDEX CONCURRENTLY lots_sku_idx;
