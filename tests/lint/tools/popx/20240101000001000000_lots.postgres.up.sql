CREATE TABLE lots (
    lot_id uuid PRIMARY KEY,
    sku text NOT NULL
);
