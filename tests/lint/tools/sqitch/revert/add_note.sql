-- Revert lots:add_note from pg

BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE lots DROP COLUMN note;
COMMIT;
