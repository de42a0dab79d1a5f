-- migrate:up transaction:false
SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY idx_lots_sku ON lots (sku);

-- migrate:down transaction:false
SET lock_timeout = '2s';
DROP INDEX CONCURRENTLY idx_lots_sku;
