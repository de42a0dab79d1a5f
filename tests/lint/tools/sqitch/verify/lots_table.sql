-- Verify lots:lots_table on pg

BEGIN;

SELECT lot_id, sku FROM lots WHERE false;

ROLLBACK;
