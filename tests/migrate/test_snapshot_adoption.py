"""The snapshot of an adopted schema reads back (issue 23): serial defaults, an index on a column
named `order`, defaults calling the project's own functions and the SQL objects themselves; a
snapshot whose SQL object or serial default was tampered with is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.migrate.snapshot import SNAPSHOT_FILE, SnapshotError, read_snapshot, snapshot_text
from agent.schema import load_schema_sources

PROJECT = """project:
  naming: camelCase
  enums:
    Role: [USER, ADMIN]
  sql_objects:
    - name: short_id
      create: CREATE FUNCTION short_id() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$
      drop: DROP FUNCTION short_id()
"""
FIELD = """version: 1
entity: Field
table: Field
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true}
  order: {type: integer, index: true}
  code: {type: text, default: {sql: short_id()}}
  roles: {type: array, items: {type: enum, native: Role}, default: [USER]}
  role: {type: enum, native: Role, default: {sql: '''ADMIN''::"Role"'}}
indexes:
  - columns: [lower(code)]
"""


def _written(tmp_path: Path, text: str) -> Path:
    (tmp_path / SNAPSHOT_FILE).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_snapshot_of_an_adopted_schema_reads_back(tmp_path: Path) -> None:
    schema = load_schema_sources({"project.yaml": PROJECT, "field.yaml": FIELD}).schema
    assert read_snapshot(_written(tmp_path, snapshot_text(schema))) == schema


@pytest.mark.parametrize(("old", "new", "message"), [
    ("CREATE FUNCTION short_id() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$",
     "DROP TABLE other", "SQL object short_id: a DropStmt is not an SQL object"),
    ('nextval(\'\\"Field_id_seq\\"\'::regclass)', "nextval('other_seq'::regclass)", "column id: holds a serial"),
])
def test_a_tampered_snapshot_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    schema = load_schema_sources({"project.yaml": PROJECT, "field.yaml": FIELD}).schema
    text = snapshot_text(schema)
    assert old in text, text
    with pytest.raises(SnapshotError, match=message):
        read_snapshot(_written(tmp_path, text.replace(old, new)))
