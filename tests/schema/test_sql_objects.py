"""`sql_objects:` (issue 23): functions, triggers and views as parsed create and drop statements,
placed around the tables by what they need, compared by the catalog, carried through import,
callable from defaults, and refused on the bus unless the operator allows them."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from agent.bus.messages import Job, JobRejected
from agent.catalog import Catalog, compare, read_catalog
from agent.config import load_settings
from agent.importing import import_texts
from agent.jobs.generate import GenerateOutcome, generate_migrations
from agent.jobs.handlers import JobContext, run_job
from agent.migrate.snapshot import SNAPSHOT_FILE, snapshot_text
from agent.schema import LoadedSchema, SchemaError, load_schema_sources
from agent.verify.apply import without_backups
from agent.verify.schema_compare import compare_schema
from tests.generate.helpers import generate
from tests.generate.test_apply import apply_down, apply_up

PROJECT = """project:
  sql_objects:
    - name: short_id
      create: >-
        CREATE FUNCTION short_id() RETURNS text LANGUAGE sql VOLATILE
        AS $$ SELECT substr(md5(random()::text), 1, 8) $$
      drop: DROP FUNCTION short_id()
    - name: stamp
      create: >-
        CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN NEW.note := 'seen'; RETURN NEW; END $$
      drop: DROP FUNCTION stamp()
    - name: notes_stamp
      create: CREATE TRIGGER notes_stamp BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION stamp()
      drop: DROP TRIGGER notes_stamp ON notes
    - name: long_notes
      create: CREATE VIEW long_notes AS SELECT code FROM notes WHERE length(note) > 3
      drop: DROP VIEW long_notes
"""
NOTES = """version: 1
entity: Note
table: notes
tenant_scoped: false
audit: false
properties:
  code: {type: text, required: true, default: {sql: short_id()}}
  note: {type: text}
"""
FILES = {"project.yaml": PROJECT, "notes.yaml": NOTES}


def test_functions_come_before_the_tables_and_what_reads_them_after() -> None:
    outcome = generate(load_schema_sources(FILES))
    assert [m.up_name.split("_", 1)[1] for m in outcome.migrations] == [
        "sql_objects.sql", "create_notes.sql", "sql_objects_on_tables.sql"]
    assert "CREATE FUNCTION short_id()" in outcome.migrations[0].up_sql
    assert "DROP FUNCTION stamp ();\n" in outcome.migrations[0].down_sql
    assert "DEFAULT short_id()" in outcome.migrations[1].up_sql
    last = outcome.migrations[2]
    assert last.up_sql.index("CREATE TRIGGER notes_stamp") < last.up_sql.index("CREATE VIEW long_notes")
    assert last.down_sql.index("DROP VIEW long_notes") < last.down_sql.index("DROP TRIGGER notes_stamp")


@pytest.mark.parametrize(("create", "drop", "message"), [
    ("CREATE TABLE x (a int)", "DROP TABLE x", "a CreateStmt is not an SQL object"),
    ("CREATE VIEW v AS SELECT 1; DROP TABLE notes", "DROP VIEW v", "exactly one statement, not 2"),
    ("CREATE VIEW v AS SELECT 1", "DROP TABLE notes", "must be the DROP of a view"),
    ("CREATE VIEW v AS SELEC 1", "DROP VIEW v", "not valid SQL"),
])
def test_anything_else_is_refused_at_its_key(create: str, drop: str, message: str) -> None:
    project = f"project:\n  sql_objects:\n    - name: x\n      create: '{create}'\n      drop: '{drop}'\n"
    with pytest.raises(SchemaError, match=message) as raised:
        load_schema_sources({"project.yaml": project, "notes.yaml": NOTES.replace("default: {sql: short_id()}", "")})
    assert str(raised.value).startswith("project.yaml:")


def test_a_default_may_call_only_the_projects_own_functions() -> None:
    with pytest.raises(SchemaError, match="calls short_id\\(\\), which is not one of PostgreSQL's builtin"):
        load_schema_sources({"notes.yaml": NOTES})


async def applied(db: asyncpg.Connection,
                  files: dict[str, str]) -> tuple[LoadedSchema, GenerateOutcome, Catalog, Catalog]:
    """(the files loaded, their migrations, the catalog before and after up): after holds exactly
    what the YAML promises."""
    loaded = load_schema_sources(files)
    outcome = generate(loaded)
    before = await read_catalog(db)
    await apply_up(db, outcome)
    catalog = await read_catalog(db)
    assert [f.message for f in compare_schema(loaded.schema, catalog) if not f.passed] == []
    return loaded, outcome, before, catalog


async def test_up_matches_down_restores_and_import_carries_them(db: asyncpg.Connection) -> None:
    loaded, outcome, before, catalog = await applied(db, FILES)
    without_view = catalog.model_copy(update={"views": ()})
    assert [f.message for f in compare_schema(loaded.schema, without_view) if not f.passed] == [
        "missing view long_notes: the YAML promises present"]
    await db.execute("INSERT INTO notes (note) VALUES ('x')")
    assert await db.fetchval("SELECT note FROM long_notes JOIN notes USING (code)") == "seen"
    imported = import_texts(catalog)
    assert imported.errors == []
    again = load_schema_sources(imported.texts).schema
    assert [o.name for o in again.sql_objects] == ["short_id", "stamp", "notes_stamp", "long_notes"]
    assert again.table("notes") == loaded.schema.table("notes")
    await apply_down(db, outcome)
    assert compare(before, without_backups(await read_catalog(db))) == []


def test_the_operator_allows_them_through_the_environment() -> None:
    assert load_settings(environ={"AGENT_ALLOW_SQL_OBJECTS": "1"}).allow_sql_objects
    assert not load_settings(environ={}).allow_sql_objects


async def test_a_job_on_the_bus_carrying_them_is_rejected_unless_allowed(fresh_database_url: str) -> None:
    job = Job(job_id="sql-objects", kind="generate", requested_by="tests", payload=FILES, options={"verify": False})
    with pytest.raises(JobRejected) as raised:
        await run_job(job, JobContext(scratch_url=fresh_database_url))
    assert raised.value.error.code == "sql_objects_refused"
    assert "short_id, stamp, notes_stamp, long_notes" in raised.value.error.message
    allowed = await run_job(job, JobContext(scratch_url=fresh_database_url, allow_sql_objects=True))
    assert allowed.status == "succeeded"


def test_an_index_expression_may_call_a_project_function() -> None:
    project = PROJECT + """    - name: folded
      create: CREATE FUNCTION folded(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$
      drop: DROP FUNCTION folded(text)
"""
    notes = NOTES + "indexes:\n  - columns: [folded(note)]\n"
    loaded = load_schema_sources({"project.yaml": project, "notes.yaml": notes})
    sql = "\n".join(m.up_sql for m in generate(loaded).migrations)
    assert 'ON notes ((folded(note)))' in sql


async def test_a_snapshot_on_the_bus_carrying_them_is_rejected_too(fresh_database_url: str) -> None:
    snapshot = snapshot_text(load_schema_sources(FILES).schema)
    payload = {"notes.yaml": NOTES.replace("default: {sql: short_id()}", ""), SNAPSHOT_FILE: snapshot}
    job = Job(job_id="sql-objects-snapshot", kind="generate", requested_by="tests", payload=payload,
              options={"verify": False})
    with pytest.raises(JobRejected) as raised:
        await run_job(job, JobContext(scratch_url=fresh_database_url))
    assert raised.value.error.code == "sql_objects_refused"
    assert "the snapshot carries SQL objects" in raised.value.error.message


def test_a_type_change_under_a_check_calling_a_project_function_plans() -> None:
    """The planner reads which columns a check reads without judging its calls again: a project
    function is known only while the schema is read."""
    checked = NOTES.replace("  note: {type: text}", "  note: {type: string, max_length: 20}") + (
        "constraints:\n  - check: short_id() <> note\n")
    v1 = load_schema_sources({**FILES, "notes.yaml": checked})
    v2 = load_schema_sources({**FILES, "notes.yaml": checked.replace("max_length: 20", "max_length: 40")})
    outcome = generate_migrations(v2, v1.schema, dt.datetime(2025, 12, 6, tzinfo=dt.UTC), [], allow_changes=True)
    assert any("VARCHAR(40)" in m.up_sql for m in outcome.migrations)
