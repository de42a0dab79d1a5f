-- atlas:txmode none

SET lock_timeout = '2s';
-- Create index "lots_sku_idx" to table: "lots"
CREATE INDEX CONCURRENTLY "lots_sku_idx" ON "lots" ("sku");
