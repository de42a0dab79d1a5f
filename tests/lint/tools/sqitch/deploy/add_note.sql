-- Deploy lots:add_note to pg

BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE lots ADD COLUMN note text;
COMMIT;
