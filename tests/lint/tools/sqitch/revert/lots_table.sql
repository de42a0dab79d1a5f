-- Revert lots:lots_table from pg

BEGIN;

DROP TABLE lots;

COMMIT;
