SET lock_timeout = '2s';
DROP INDEX CONCURRENTLY idx_lots_sku;
