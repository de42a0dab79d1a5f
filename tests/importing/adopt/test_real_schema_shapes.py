"""Shapes the real schemas of test_real_schemas.py showed the importer, each in a few lines: the
import carries them without loss and the round trip is exact."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from agent.catalog.model import Catalog, Extension
from agent.schema import SchemaError, load_schema_dir, load_schema_sources
from agent.schema.model import SqlObjectSpec
from agent.schema.sql_objects import sql_object
from agent.schema.tables import Schema
from agent.verify.schema_compare import compare_schema
from agent.verify.steps.index_use import probe_sql
from tests.importing.adopt.helpers import (
    generated_verified,
    imported_whole,
    round_tripped_as_written,
    servers,
)

pytestmark = pytest.mark.integration


# crates.io: a trigger named as the function it calls, and one trigger name on two tables.
SHARED_TRIGGER_NAMES = """
CREATE TABLE crates (id serial PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE versions (id serial PRIMARY KEY, crate_id integer NOT NULL REFERENCES crates (id));
CREATE FUNCTION touch_crate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE crates SET updated_at = now() WHERE id = NEW.crate_id; RETURN NEW; END $$;
CREATE TRIGGER touch_crate AFTER INSERT ON versions FOR EACH ROW EXECUTE FUNCTION touch_crate();
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER stamped BEFORE UPDATE ON crates FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE TRIGGER stamped BEFORE UPDATE ON versions FOR EACH ROW EXECUTE FUNCTION stamp();
"""


# crates.io: `last_retry TIMESTAMP NOT NULL DEFAULT '1970-01-01'`, later made timestamptz: the
# default stays a timestamp without time zone, converted in the session's time zone.
ZONE_CHANGED = """
CREATE TABLE background_jobs (id serial PRIMARY KEY, last_retry timestamp NOT NULL DEFAULT '1970-01-01',
                              seen timestamptz NOT NULL DEFAULT '2000-01-01 00:00:00+00');
ALTER TABLE background_jobs ALTER last_retry TYPE timestamptz, ALTER seen TYPE timestamp;
"""


# hoppscotch and crates.io: pg_trgm, for gin (title gin_trgm_ops).
EXTENSION = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE "TeamCollection" (id text PRIMARY KEY, title text NOT NULL);
CREATE INDEX "TeamCollection_title_trgm_idx" ON "TeamCollection" USING gin (title gin_trgm_ops);
"""

# hoppscotch: Shortcode_id_key (a unique index on the primary key) and MockServerLog's index on
# (mockServerID) beside one on (mockServerID, executedAt): the loader leaves out an index another
# serves, so the import marks them `redundant: true`, which creates them as the database has them.
REDUNDANT_INDEXES = """
CREATE TABLE "Shortcode" (id text PRIMARY KEY, "mockServerID" text NOT NULL, "executedAt" timestamptz NOT NULL);
CREATE UNIQUE INDEX "Shortcode_id_key" ON "Shortcode" (id);
CREATE INDEX "Shortcode_mockServerID_idx" ON "Shortcode" ("mockServerID");
CREATE INDEX "Shortcode_mockServerID_executedAt_idx" ON "Shortcode" ("mockServerID", "executedAt");
"""

# hoppscotch: an ordered list whose positions a transaction swaps (Prisma's orderIndex).
DEFERRABLE_UNIQUE = """
CREATE TABLE "TeamCollection" (id text PRIMARY KEY, "teamID" text NOT NULL, "orderIndex" integer NOT NULL,
  CONSTRAINT "TeamCollection_teamID_orderIndex_key" UNIQUE ("teamID", "orderIndex") DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT "TeamCollection_id_teamID_key" UNIQUE (id, "teamID") DEFERRABLE);
"""

# marquez: runs_created_at_completed_index and friends, newest first.
DESCENDING = """
CREATE TABLE runs (uuid uuid PRIMARY KEY, job_name text NOT NULL, created_at timestamptz NOT NULL,
                   state text NOT NULL);
CREATE INDEX runs_created_at_by_name_index ON runs (job_name, created_at DESC) INCLUDE (state);
CREATE INDEX runs_created_at_index ON runs (created_at DESC) WHERE state = 'COMPLETED';
"""

# marquez: jobs.parent_job_uuid_string character(36), a uuid kept as fixed-width text.
FIXED_WIDTH = """
CREATE TABLE jobs (uuid uuid PRIMARY KEY, parent_job_uuid_string char(36), code character(3) NOT NULL DEFAULT 'abc');
"""

EXACT = {
    "fixed-width": (FIXED_WIDTH, "jobs.yaml", [
        "  parent_job_uuid_string:\n    type: string\n    max_length: 36\n    fixed: true\n",
        "  code:\n    type: string\n    max_length: 3\n    fixed: true\n    required: true\n    default: abc\n"]),
    "descending": (DESCENDING, "runs.yaml", [
        "- name: runs_created_at_by_name_index\n  columns:\n  - job_name\n  - created_at\n  include:\n"
        "  - state\n  descending:\n  - created_at\n",
        "  where: state = 'COMPLETED'\n  descending:\n  - created_at\n"]),
    "deferrable-unique": (DEFERRABLE_UNIQUE, "team-collection.yaml", [
        "- unique:\n  - teamID\n  - orderIndex\n  deferrable: deferred\n",
        "- unique:\n  - id\n  - teamID\n  deferrable: true\n"]),
    "redundant-indexes": (REDUNDANT_INDEXES, "shortcode.yaml", [
        "- name: Shortcode_id_key\n  columns:\n  - id\n  unique: true\n  redundant: true\n",
        "- name: Shortcode_mockServerID_idx\n  columns:\n  - mockServerID\n  redundant: true\n"]),
    "extension": (EXTENSION, "project.yaml", [
        "  - name: pg_trgm\n    create: CREATE EXTENSION IF NOT EXISTS pg_trgm\n    drop: DROP EXTENSION pg_trgm\n"]),
    "shared-trigger-names": (SHARED_TRIGGER_NAMES, "project.yaml", [
        "  - name: touch_crate\n    create: |-\n      CREATE FUNCTION touch_crate()",
        "  - name: versions.touch_crate\n    create: CREATE TRIGGER touch_crate ",
        "  - name: stamped\n    create: CREATE TRIGGER stamped BEFORE UPDATE ON crates",
        "  - name: versions.stamped\n    create: CREATE TRIGGER stamped BEFORE UPDATE ON versions"]),
    "timestamp-kind-changed": (ZONE_CHANGED, "background-jobs.yaml", [
        "      sql: CAST('1970-01-01 00:00:00' AS timestamp)\n",
        "      sql: CAST('2000-01-01 00:00:00+00' AS timestamp with time zone)\n"]),
}


@pytest.mark.parametrize("shape", list(EXACT))
async def test_imported_whole_and_rebuilt_exactly(
    db: asyncpg.Connection, fresh_database_url: str, scratch: asyncpg.Connection, postgres_server_url: str,
    shape: str, tmp_path: Path,
) -> None:
    """Extensions come along (an index's operator class may be theirs); triggers named like a
    function or like each other keep distinct SQL object names (the first the bare name, the
    others qualified by their table); a default of the other timestamp kind is kept as SQL, since
    PostgreSQL converts it in the session's time zone."""
    sql, name, expected = EXACT[shape]
    await round_tripped_as_written(db, scratch, sql, fresh_database_url, tmp_path, servers(postgres_server_url),
                                   name, expected)


def test_verification_finds_an_extension_missing_from_the_database() -> None:
    trgm = sql_object(SqlObjectSpec(name="pg_trgm", create="CREATE EXTENSION pg_trgm", drop="DROP EXTENSION pg_trgm"))
    schema = Schema(sql_objects=(trgm,))
    failed = [f.message for f in compare_schema(schema, Catalog()) if not f.passed]
    assert failed == ["missing extension pg_trgm: the YAML promises present"]
    assert all(f.passed for f in compare_schema(schema, Catalog(extensions=(Extension(name="pg_trgm"),))))


async def test_the_index_use_probe_of_a_trigram_index_is_an_equality_it_serves(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    """hoppscotch's gin (title gin_trgm_ops): `@>` (GIN's operator for jsonb and arrays) does not
    exist for text; pg_trgm's GIN and GiST classes serve `=`."""
    await imported_whole(db, EXTENSION + "INSERT INTO \"TeamCollection\" VALUES ('a', 'collection')",
                         fresh_database_url, tmp_path / "schemas")
    table = load_schema_dir(tmp_path / "schemas").schema.table("TeamCollection")
    assert table is not None
    index = next(i for i in table.indexes if i.name == "TeamCollection_title_trgm_idx")
    sql = probe_sql(table, index)
    assert sql == 'SELECT * FROM "TeamCollection" WHERE title = $1::text::TEXT'
    async with db.transaction():
        await db.execute("SET LOCAL enable_seqscan = off")
        plan = await db.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", "collection")
    assert '"Index Name": "TeamCollection_title_trgm_idx"' in plan


# marquez: dataset_versions has UNIQUE (dataset_uuid, version) and a unique index on (version);
# a copy repeating `version` keeps the row's dataset_uuid (a key's column, not varied), so both
# keys refuse it and either may be the one PostgreSQL names.
OVERLAPPING_KEYS = """
CREATE TABLE datasets (uuid uuid PRIMARY KEY);
CREATE TABLE dataset_versions (uuid uuid PRIMARY KEY, dataset_uuid uuid REFERENCES datasets (uuid),
                               version uuid NOT NULL, UNIQUE (dataset_uuid, version));
CREATE UNIQUE INDEX dataset_versions_version ON dataset_versions (version);
CREATE INDEX dataset_versions_dataset ON dataset_versions (dataset_uuid);
"""


# marquez: runs.parent_run_uuid refers to runs itself, so every sample row leaves it NULL; its
# index is still proven, by the query for a NULL (a B-tree serves IS NULL).
SELF_REFERENCE = """
CREATE TABLE runs (uuid uuid PRIMARY KEY, parent_run_uuid uuid REFERENCES runs (uuid));
CREATE INDEX runs_parent_run_uuid_index ON runs (parent_run_uuid);
"""


VERIFIED = {"overlapping-keys": (OVERLAPPING_KEYS, "Constraints"), "self-reference": (SELF_REFERENCE, "Index use"),
            "fixed-width": (FIXED_WIDTH, "Constraints")}


@pytest.mark.parametrize("shape", list(VERIFIED))
async def test_generate_verify_passes_the_step_that_failed_on_marquez(
    db: asyncpg.Connection, fresh_database_url: str, postgres_server_url: str, shape: str, tmp_path: Path
) -> None:
    """A duplicate repeating an overlapping key too may be refused by either key; an index on a
    column no sample row fills is proven with IS NULL."""
    sql, step = VERIFIED[shape]
    await imported_whole(db, sql, fresh_database_url, tmp_path / "schemas")
    assert f"ok   {step}" in await generated_verified(tmp_path, postgres_server_url, rows=10)


@pytest.mark.parametrize(("fields", "indexes", "expected"), [
    ("", "indexes:\n- columns: [id]\n  descending: [created_at]\n", "'created_at' is not a column this index lists"),
    ("    fixed: true\n", "", "`fixed` needs `max_length` (the width of CHAR(n)) and no `varchar`"),
], ids=["descending-unlisted", "fixed-without-width"])
def test_the_new_index_and_column_fields_are_checked(fields: str, indexes: str, expected: str) -> None:
    yaml = ("version: 1\nentity: Run\ntable: runs\ntenant_scoped: false\naudit: false\nprimary_key: id\n"
            "properties:\n  id:\n    type: uuid\n  created_at:\n    type: timestamp\n  code:\n    type: string\n"
            f"{fields}{indexes}")
    with pytest.raises(SchemaError) as error:
        load_schema_sources({"project.yaml": "project:\n  name: t\n", "runs.yaml": yaml})
    assert [d.message for d in error.value.diagnostics] == [expected]
