"""What an SQL object carries beside its create statement (issue 23): `comment:` (COMMENT ON the
object its drop statement names), a materialized view's `indexes:`, a sequence's `owned_by:`
(set after the tables, taken back before them), and defaults calling nextval() of the project's
own sequences. Each refused shape names its key; up, down and up again on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
import pytest

from agent.catalog import compare, read_catalog
from agent.migrate.snapshot import SNAPSHOT_FILE, SnapshotError, read_snapshot, snapshot_text
from agent.schema import SchemaError, load_schema_sources
from agent.verify.apply import without_backups
from agent.verify.schema_compare import compare_schema
from tests.generate.helpers import generate
from tests.generate.test_apply import apply_down, apply_up
from tests.schema.test_sql_objects import applied

PROJECT = """project:
  sql_objects:
    - name: ticket_numbers
      create: CREATE SEQUENCE "Ticket numbers" AS bigint START WITH 100 INCREMENT BY 5 CACHE 3
      drop: DROP SEQUENCE "Ticket numbers"
      comment: "Ticket numbers, five apart: it's \\\\ odd"
      owned_by: {table: tickets, column: number}
    - name: shout
      create: >-
        CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql IMMUTABLE
        SET search_path = pg_catalog, "My Schema" SET work_mem = '8MB' RETURN upper(t)
      drop: DROP FUNCTION shout(text)
      comment: Upper case
    - name: stamp
      create: >-
        CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN NEW.note := shout(NEW.note); RETURN NEW; END $$
      drop: DROP FUNCTION stamp()
    - name: tickets_stamp
      create: CREATE TRIGGER tickets_stamp BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION stamp()
      drop: DROP TRIGGER tickets_stamp ON tickets
      comment: Notes are shouted
    - name: ticket_counts
      create: CREATE MATERIALIZED VIEW ticket_counts AS SELECT note, count(*) AS n FROM tickets GROUP BY note
      drop: DROP MATERIALIZED VIEW ticket_counts
      indexes:
        - CREATE UNIQUE INDEX ticket_counts_note ON ticket_counts (note)
        - CREATE INDEX ticket_counts_n ON ticket_counts USING btree (n DESC)
      comment: Tickets per note
"""
DEFAULT = """nextval('"Ticket numbers"'::regclass)"""
TICKETS = """version: 1
entity: Ticket
table: tickets
tenant_scoped: false
audit: false
properties:
  number: {type: bigint, required: true, default: {sql: %s}}
  note: {type: text}
"""
FILES = {"project.yaml": PROJECT, "tickets.yaml": TICKETS % json.dumps(DEFAULT)}


def _objects(extra: str) -> str:
    return PROJECT + extra


def _refused(files: dict[str, str], message: str) -> str:
    with pytest.raises(SchemaError, match=message) as raised:
        load_schema_sources(files)
    return str(raised.value)


def test_the_sequence_is_made_first_and_owned_after_the_tables() -> None:
    outcome = generate(load_schema_sources(FILES))
    first, table, last = (m.up_sql for m in outcome.migrations)
    assert 'CREATE SEQUENCE "Ticket numbers" AS bigint START WITH 100 INCREMENT BY 5 CACHE 3;' in first
    assert """COMMENT ON SEQUENCE "Ticket numbers" IS 'Ticket numbers, five apart: it''s \\ odd';""" in first
    assert "SET search_path TO 'pg_catalog', 'My Schema' SET work_mem TO '8MB'" in first
    assert "COMMENT ON FUNCTION shout (text) IS 'Upper case';" in first
    assert """DEFAULT nextval(CAST('"Ticket numbers"' AS regclass))""" in table
    assert 'ALTER SEQUENCE "Ticket numbers" OWNED BY tickets.number;' in last
    assert "COMMENT ON TRIGGER tickets_stamp ON tickets IS 'Notes are shouted';" in last
    view = last.index("CREATE MATERIALIZED VIEW ticket_counts")
    assert view < last.index("CREATE UNIQUE INDEX ticket_counts_note ON ticket_counts (note);") < last.index(
        "CREATE INDEX ticket_counts_n ON ticket_counts (n DESC);") < last.index(
        "COMMENT ON MATERIALIZED VIEW ticket_counts IS 'Tickets per note';")
    down = outcome.migrations[2].down_sql
    assert down.index('ALTER SEQUENCE "Ticket numbers" OWNED BY none;') < down.index("DROP MATERIALIZED VIEW")


async def test_up_matches_the_yaml_down_restores_and_up_again(db: asyncpg.Connection) -> None:
    _, outcome, before, catalog = await applied(db, FILES)
    sequence = next(s for s in catalog.sequences if s.name == "Ticket numbers")
    assert (sequence.owned_by, sequence.start, sequence.increment, sequence.cache) == ("tickets.number", 100, 5, 3)
    assert sequence.comment == "Ticket numbers, five apart: it's \\ odd"
    assert next(f for f in catalog.functions if f.name == "shout").settings == (
        "search_path=pg_catalog, \"My Schema\"", "work_mem=8MB")
    assert [i.name for i in catalog.view("ticket_counts").indexes] == ["ticket_counts_n", "ticket_counts_note"]
    await db.execute("INSERT INTO tickets (note) VALUES ('a'), ('a')")
    assert await db.fetch("SELECT number, note FROM tickets ORDER BY number") == [(100, "A"), (105, "A")]
    await apply_down(db, outcome)
    assert compare(before, without_backups(await read_catalog(db))) == []
    await apply_up(db, outcome)
    assert compare(catalog, without_backups(await read_catalog(db))) == []


async def test_verification_sees_a_missing_comment_owner_and_index(db: asyncpg.Connection) -> None:
    loaded = load_schema_sources(FILES)
    await apply_up(db, generate(loaded))
    await db.execute('ALTER SEQUENCE "Ticket numbers" OWNED BY NONE; COMMENT ON FUNCTION shout(text) IS NULL; '
                     "DROP INDEX ticket_counts_n; COMMENT ON MATERIALIZED VIEW ticket_counts IS 'other'")
    failed = sorted(f.message for f in compare_schema(loaded.schema, await read_catalog(db)) if not f.passed)
    assert failed == [
        "materialized view ticket_counts / comment: the YAML promises Tickets per note, the database has other",
        "missing function shout / comment: the YAML promises Upper case",
        "missing materialized view ticket_counts / index ticket_counts_n: the YAML promises present",
        "sequence Ticket numbers: the YAML promises owned by tickets.number, the database has present"]


def test_a_snapshot_reads_back_what_it_wrote(tmp_path: Path) -> None:
    schema = load_schema_sources(FILES).schema
    (tmp_path / SNAPSHOT_FILE).write_text(snapshot_text(schema))
    assert read_snapshot(tmp_path) == schema


@pytest.mark.parametrize("field", ["then", "own"])
def test_a_snapshot_whose_statements_are_not_its_objects_is_refused(tmp_path: Path, field: str) -> None:
    """What runs beside the create comes from the parse of comment, indexes and owned_by: a
    snapshot holding other statements there is refused, not run."""
    schema = load_schema_sources(FILES).schema
    tampered = schema.sql_objects[0].model_copy(update={field: ("DROP TABLE tickets", "DROP TABLE tickets")})
    (tmp_path / SNAPSHOT_FILE).write_text(snapshot_text(schema.model_copy(
        update={"sql_objects": (tampered, *schema.sql_objects[1:])})))
    with pytest.raises(SnapshotError, match="SQL object ticket_numbers: is not what its statements parse to"):
        read_snapshot(tmp_path)


@pytest.mark.parametrize(("extra", "message", "key"), [
    ("    - name: v\n      create: CREATE VIEW v AS SELECT 1 AS a\n      drop: DROP VIEW v\n"
     "      indexes: [CREATE INDEX v_a ON v (a)]\n", "only a materialized view has indexes here, not a view",
     "indexes"),
    ("    - name: m\n      create: CREATE MATERIALIZED VIEW m AS SELECT 1 AS a\n      drop: DROP MATERIALIZED VIEW m\n"
     "      indexes: [CREATE INDEX m_a ON tickets (note)]\n",
     "index m_a is on tickets, not on the materialized view m", "indexes"),
    ("    - name: m\n      create: CREATE MATERIALIZED VIEW m AS SELECT 1 AS a\n      drop: DROP MATERIALIZED VIEW m\n"
     "      indexes: [CREATE INDEX CONCURRENTLY m_a ON m (a)]\n", "not CONCURRENTLY", "indexes"),
    ("    - name: m\n      create: CREATE MATERIALIZED VIEW m AS SELECT 1 AS a\n      drop: DROP MATERIALIZED VIEW m\n"
     "      indexes: [DROP TABLE tickets]\n", "must hold CREATE INDEX statements, not a DropStmt", "indexes"),
    ("    - name: f\n      create: CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN 1\n"
     "      drop: DROP FUNCTION f()\n      owned_by: {table: tickets, column: number}\n",
     "only a sequence is owned by a column, not a function", "owned_by"),
    ("    - name: s\n      create: CREATE SEQUENCE s OWNED BY tickets.number\n      drop: DROP SEQUENCE s\n",
     "OWNED BY needs its table, which is made after the sequence", "create"),
    ("    - name: s\n      create: CREATE SEQUENCE s\n      drop: DROP SEQUENCE s, tickets_seq\n      comment: x\n",
     "needs a drop statement naming one object", "comment"),
])
def test_what_an_object_may_not_carry_is_refused_at_its_key(extra: str, message: str, key: str) -> None:
    text = _refused({**FILES, "project.yaml": _objects(extra)}, message)
    assert text.startswith("project.yaml:") and f"sql_objects[5].{key}:" in text


@pytest.mark.parametrize(("owner", "message", "key"), [
    ("{table: ticket, column: number}", "no table 'ticket' in the schema; did you mean tickets?", "table"),
    ("{table: tickets, column: numbr}", "table tickets has no column 'numbr'; did you mean number?", "column"),
])
def test_the_owner_must_be_a_column_of_the_schema(owner: str, message: str, key: str) -> None:
    project = PROJECT.replace("{table: tickets, column: number}", owner)
    text = _refused({**FILES, "project.yaml": project}, message)
    assert text.startswith("project.yaml:7:") and f"sql_objects[0].owned_by.{key}:" in text


@pytest.mark.parametrize("default", [
    "nextval('other_seq'::regclass)",  # a sequence the project does not make
    "nextval('Ticket numbers')",  # not the name as regclass prints it
    """nextval('public."Ticket numbers"'::regclass)""",
    """setval('"Ticket numbers"', 5)""",
    """nextval('"Ticket numbers"'::oid)""",
])
def test_a_default_may_advance_only_the_projects_own_sequences(default: str) -> None:
    _refused({**FILES, "tickets.yaml": TICKETS % json.dumps(default)}, "reads or advances a sequence|names type oid")


def test_without_the_sequence_object_the_default_is_refused() -> None:
    project = PROJECT.replace('"Ticket numbers" AS bigint', '"Tickets" AS bigint').replace(
        'DROP SEQUENCE "Ticket numbers"', 'DROP SEQUENCE "Tickets"')
    _refused({**FILES, "project.yaml": project}, "calls nextval\\(\\), which reads or advances a sequence")


@pytest.mark.parametrize(("create", "after"), [
    ("CREATE FUNCTION n() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM tickets $$", True),
    ("CREATE FUNCTION n() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM tickets; END", True),
    ("CREATE FUNCTION n() RETURNS bigint LANGUAGE sql STABLE AS $$ WITH t AS (SELECT 1) SELECT count(*) FROM t $$",
     False),
    ("CREATE FUNCTION n() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM tickets); END $$",
     False),
])
def test_a_function_of_sql_reading_a_table_is_made_after_the_tables(create: str, after: bool) -> None:
    """PostgreSQL looks the tables of an SQL body up when it makes the function (PL/pgSQL's only
    when it runs), so such a function waits for the tables."""
    project = _objects(f"    - name: n\n      create: {json.dumps(create)}\n      drop: DROP FUNCTION n()\n")
    migrations = generate(load_schema_sources({**FILES, "project.yaml": project})).migrations
    assert ("CREATE FUNCTION n()" in migrations[-1].up_sql) is after
    assert ("CREATE FUNCTION n()" in migrations[0].up_sql) is not after


async def test_a_new_comment_or_owner_changes_only_that(db: asyncpg.Connection) -> None:
    """A function a default calls, or a sequence a default advances, cannot be dropped and made
    again under the column: a changed comment is a COMMENT ON, a changed owner an OWNED BY."""
    v1 = load_schema_sources(FILES)
    await apply_up(db, generate(v1))
    project = PROJECT.replace("comment: Upper case", "comment: Shouted")
    project = project.replace("      comment: Tickets per note\n", "")
    project = project.replace("{table: tickets, column: number}", "{table: tickets, column: note}")
    v2 = load_schema_sources({**FILES, "project.yaml": project})
    change = generate(v2, v1.schema)
    statements = [line for m in change.migrations for line in m.up_sql.splitlines()
                  if line and not line.startswith(("--", "SET ", "BEGIN", "COMMIT"))]
    assert statements == [
        'ALTER SEQUENCE "Ticket numbers" OWNED BY none;', "COMMENT ON FUNCTION shout (text) IS 'Shouted';",
        "COMMENT ON MATERIALIZED VIEW ticket_counts IS NULL;", 'ALTER SEQUENCE "Ticket numbers" OWNED BY tickets.note;']
    await apply_up(db, change)
    assert [f.message for f in compare_schema(v2.schema, await read_catalog(db)) if not f.passed] == []
    await apply_down(db, change)
    assert [f.message for f in compare_schema(v1.schema, await read_catalog(db)) if not f.passed] == []


@pytest.mark.parametrize("where", [
    "constraints:\n  - check: \"number < nextval('\\\"Ticket numbers\\\"'::regclass)\"\n",
    "policies:\n  - name: p\n    command: SELECT\n    using: \"nextval('\\\"Ticket numbers\\\"'::regclass) > 0\"\n",
])
def test_only_a_default_may_advance_the_sequence(where: str) -> None:
    """A default takes the next number once per row; a check or a policy would advance the
    sequence on every row it reads or writes."""
    text = _refused({**FILES, "tickets.yaml": TICKETS % json.dumps(DEFAULT) + where},
                    "calls nextval\\(\\), which reads or advances a sequence")
    assert text.startswith("tickets.yaml:")


def test_a_comment_with_a_nul_character_is_refused_at_its_key() -> None:
    project = PROJECT.replace("comment: Upper case", 'comment: "Upper\\0case"')
    text = _refused({**FILES, "project.yaml": project}, "may not contain a NUL character")
    assert "sql_objects[1].comment:" in text
