-- +goose Up
SET lock_timeout = '2s';
ALTER TABLE lots ADD COLUMN note text;

-- +goose Down
SET lock_timeout = '2s';
ALTER TABLE lots DROP COLUMN note;
