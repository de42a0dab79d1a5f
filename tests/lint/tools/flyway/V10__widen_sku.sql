SET lock_timeout = '2s';
ALTER TABLE lots ALTER COLUMN sku TYPE varchar(64);
