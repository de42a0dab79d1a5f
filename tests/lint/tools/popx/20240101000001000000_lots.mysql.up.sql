CREATE TABLE lots (
    lot_id CHAR(36) NOT NULL,
    sku VARCHAR(64) NOT NULL,
    PRIMARY KEY (lot_id)
) ENGINE=InnoDB;
