-- Index storage parameters, as crates.io's index_version_downloads_date has them (a BRIN index
-- WITH (pages_per_range = 1)), and one of each kind a method takes. Written for this project's
-- tests; it is not taken from any other project.

CREATE TABLE version_downloads (
    id serial PRIMARY KEY,
    date date NOT NULL DEFAULT CURRENT_DATE,
    downloads integer NOT NULL DEFAULT 1,
    tags jsonb
);
CREATE INDEX index_version_downloads_date ON version_downloads USING brin (date) WITH (pages_per_range = 1);
CREATE INDEX version_downloads_downloads ON version_downloads (downloads) WITH (fillfactor = 70, deduplicate_items = off);
CREATE INDEX version_downloads_tags ON version_downloads USING gin (tags)
    WITH (fastupdate = true, gin_pending_list_limit = 128);
