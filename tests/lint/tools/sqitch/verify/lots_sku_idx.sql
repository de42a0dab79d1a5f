-- Verify lots:lots_sku_idx on pg

SELECT 1/count(*) FROM pg_indexes WHERE indexname = 'lots_sku_idx';
