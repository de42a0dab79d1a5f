SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY idx_lots_sku_lower ON lots (lower(sku));
