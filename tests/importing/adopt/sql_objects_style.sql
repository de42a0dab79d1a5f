-- A hand-written schema with what the SQL objects of an adopted database carry beside their
-- create statement (issue 23): functions with settings (SET ...: lists with quoted elements, an
-- empty search_path, a mixed-case name) and comments, a default calling one of them, a function
-- of SQL reading a table, a trigger with a comment, a serial column whose table was renamed (its
-- sequence keeps the old table's name), a serial column whose sequence was given settings of its
-- own, a sequence of its own with its own settings and a comment that a default advances, a
-- materialized view with a comment and indexes, a view with a comment. Written for this
-- project's tests; it is not taken from any other project.

CREATE FUNCTION random_code(length integer) RETURNS text LANGUAGE sql VOLATILE
    SET search_path = "$user", public, pg_temp SET work_mem = '8MB'
    AS $$ SELECT substr(md5(random()::text), 1, length) $$;
COMMENT ON FUNCTION random_code(integer) IS 'A random code of the given length; it''s not a secret';
CREATE FUNCTION quiet() RETURNS integer LANGUAGE sql IMMUTABLE
    SET search_path = '' SET statement_timeout = '5s' SET "DateStyle" = 'ISO, DMY'
    RETURN 1;
CREATE FUNCTION odd_path() RETURNS integer LANGUAGE sql IMMUTABLE
    SET search_path = "My ""odd"", schema", public, "UPPER" RETURN 2;
CREATE FUNCTION version_key(num text) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT
    AS $$ BEGIN RETURN convert_to(num, 'UTF8'); END $$;
COMMENT ON FUNCTION version_key(text) IS 'A sort key: byte order is version order';

CREATE TABLE packages (
    id SERIAL PRIMARY KEY,
    name varchar NOT NULL,
    token text NOT NULL DEFAULT random_code(26),
    downloads integer NOT NULL DEFAULT 0
);
ALTER TABLE packages RENAME TO crates;
CREATE FUNCTION crate_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM crates $$;
COMMENT ON FUNCTION crate_count() IS 'How many crates there are';
CREATE FUNCTION lower_name() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := lower(NEW.name); RETURN NEW; END $$;
CREATE TRIGGER crates_lower_name BEFORE INSERT OR UPDATE OF name ON crates FOR EACH ROW EXECUTE FUNCTION lower_name();
COMMENT ON TRIGGER crates_lower_name ON crates IS 'Crate names are kept lower case';
CREATE TABLE teams (id SERIAL PRIMARY KEY, name text NOT NULL);
ALTER SEQUENCE teams_id_seq INCREMENT BY 10 START WITH 10 MINVALUE 10 RESTART;

CREATE SEQUENCE "Invoice numbers" AS bigint START WITH 1000 INCREMENT BY 10 MINVALUE 1000
    MAXVALUE 99999990 CACHE 5 CYCLE;
COMMENT ON SEQUENCE "Invoice numbers" IS 'Invoice numbers, ten apart';
CREATE TABLE invoices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number bigint NOT NULL DEFAULT nextval('"Invoice numbers"')
);

CREATE MATERIALIZED VIEW recent_downloads AS SELECT id AS crate_id, downloads FROM crates;
CREATE UNIQUE INDEX recent_downloads_crate_id ON recent_downloads (crate_id);
CREATE INDEX recent_downloads_by_downloads ON recent_downloads (downloads DESC);
COMMENT ON MATERIALIZED VIEW recent_downloads IS 'Downloads per crate, refreshed hourly';
CREATE VIEW crate_names AS SELECT name FROM crates;
COMMENT ON VIEW crate_names IS 'Only the names';
