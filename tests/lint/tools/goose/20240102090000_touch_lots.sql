-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION lots_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION lots_touch();
