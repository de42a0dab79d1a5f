-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY idx_lots_sku ON lots (sku);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY idx_lots_sku;
