-- migrate:up
SET lock_timeout = '2s';
ALTER TABLE lots ADD COLUMN note text;

-- migrate:down
SET lock_timeout = '2s';
ALTER TABLE lots DROP COLUMN note;
