CREATE INDEX CONCURRENTLY idx_lots_sku ON lots (sku);
