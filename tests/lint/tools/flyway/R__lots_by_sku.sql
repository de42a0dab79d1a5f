CREATE OR REPLACE VIEW lots_by_sku AS
SELECT sku, count(*) AS lots FROM lots GROUP BY sku;
