-- Verify lots:add_note on pg

SELECT note FROM lots WHERE false;
