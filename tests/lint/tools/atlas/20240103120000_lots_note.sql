-- Create index "lots_lower_sku_idx" to table: "lots"
CREATE INDEX CONCURRENTLY "lots_lower_sku_idx" ON "lots" (lower("sku"));
