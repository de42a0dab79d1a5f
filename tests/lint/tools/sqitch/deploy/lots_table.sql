-- Deploy lots:lots_table to pg

BEGIN;

CREATE TABLE lots (lot_id bigint PRIMARY KEY, sku text NOT NULL);

COMMIT;
