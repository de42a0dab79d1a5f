-- Constraints added NOT VALID and never validated, as crates.io's versions_num_max_length is
-- (rows older than the rule may break it). Written for this project's tests; it is not taken
-- from any other project.

CREATE TABLE crates (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE versions (
    id serial PRIMARY KEY,
    crate_id integer NOT NULL,
    num varchar NOT NULL,
    checksum bytea
);
ALTER TABLE versions ADD CONSTRAINT versions_num_max_length CHECK (char_length(num) <= 150) NOT VALID;
ALTER TABLE versions ADD CONSTRAINT versions_checksum_length CHECK (octet_length(checksum) = 32) NOT VALID;
ALTER TABLE versions ADD CONSTRAINT versions_crate_id_fkey FOREIGN KEY (crate_id) REFERENCES crates (id)
    ON DELETE CASCADE NOT VALID;
