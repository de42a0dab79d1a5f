SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY "lots_lower_sku_idx" ON "lots"(lower("sku"));
