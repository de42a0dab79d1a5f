-- An operator class given to an expression, as crates.io's index_crates_name_tgrm has it
-- (USING gin (canon_crate_name(name) gin_trgm_ops)), the function being the project's own.
-- Written for this project's tests; it is not taken from any other project.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE FUNCTION canon_crate_name(text) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT replace(lower($1), '-', '_') $$;
CREATE TABLE crates (
    id serial PRIMARY KEY,
    name varchar NOT NULL
);
CREATE INDEX index_crates_name_tgrm ON crates USING gin (canon_crate_name(name) gin_trgm_ops);
CREATE INDEX crates_lower_name_pattern ON crates (lower(name) text_pattern_ops DESC);
