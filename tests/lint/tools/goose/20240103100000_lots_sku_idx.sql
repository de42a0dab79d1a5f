-- +goose no transaction
-- +goose Up
SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY idx_lots_sku ON lots (sku);

-- +goose Down
SET lock_timeout = '2s';
DROP INDEX CONCURRENTLY idx_lots_sku;
