-- edited by hand: built without blocking writes, alone in its file
CREATE INDEX CONCURRENTLY "lots_sku_idx" ON "lots"("sku");
