-- migrate:up
CREATE TABLE lots (
    lot_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL
);

-- migrate:down
DROP TABLE lots;
