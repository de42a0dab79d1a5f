"""`type: custom` with `sql_type:` (issue 23): columns of a type PostgreSQL or an extension defines
that the language has no name for (crates.io's ltree and tsvector). The name is parsed as a type
and written from its parse tree; such a column is created, compared with the catalog, backed up
as text by a down migration (so the extension can go after it), loaded with sample rows, typed in
every code target (tests/codegen/test_custom_types.py), and imported back from a
database."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.importing import import_texts
from agent.schema import SchemaError, load_schema_sources
from tests.generate.helpers import generate, verified_report

PROJECT = """project:
  sql_objects:
    - name: ltree
      create: CREATE EXTENSION IF NOT EXISTS ltree
      drop: DROP EXTENSION ltree
"""

CATEGORIES = """version: 1
entity: Category
table: categories
tenant_scoped: false
properties:
  slug: {type: string, max_length: 60, required: true, unique: true}
  path: {type: custom, sql_type: ltree, required: true, default: top}
  search: {type: custom, sql_type: tsvector}
  aliases: {type: array, items: {type: custom, sql_type: ltree}}
indexes:
  - columns: [path]
    using: gist
"""

SOURCES = {"project.yaml": PROJECT, "categories.yaml": CATEGORIES}


def test_the_type_name_is_written_from_its_parse() -> None:
    table = load_schema_sources(SOURCES).schema.table("categories")
    assert [(c.name, c.sql_type) for c in table.columns[2:5]] == [
        ("path", "ltree"), ("search", "tsvector"), ("aliases", "ltree[]")]
    assert table.column("path").default == "'top'::ltree"
    sql = next(m.up_sql for m in generate(load_schema_sources(SOURCES)).migrations if "categories" in m.up_name)
    assert "path ltree NOT NULL DEFAULT 'top'::ltree," in sql


@pytest.mark.parametrize(("field", "message"), [
    ("{type: custom}", "a custom type needs `sql_type`, the type's name"),
    ("{type: custom, sql_type: 'ltree; DROP TABLE categories'}", "is not a type name"),
    ("{type: custom, sql_type: 'ltree) FROM pg_authid --'}", "is not a type name"),
    ("{type: custom, sql_type: 'ltree FROM pg_authid'}", "'ltree FROM pg_authid' is not a type name"),
    ("{type: custom, sql_type: integer}", "integer is the language's own `type: integer`: write that instead"),
    ("{type: string, sql_type: ltree}", "`sql_type` applies to custom, not string"),
])
def test_what_is_not_a_type_name_is_refused(field: str, message: str) -> None:
    with pytest.raises(SchemaError, match=message.replace("(", r"\(").replace(")", r"\)")):
        text = CATEGORIES.replace("indexes:", f"  other: {field}\nindexes:")
        load_schema_sources({**SOURCES, "categories.yaml": text})


async def test_created_verified_and_rolled_back_before_its_extension(postgres_server_url: str) -> None:
    loaded = load_schema_sources(SOURCES)
    report = await verified_report(postgres_server_url, loaded)
    assert report.passed, report.to_markdown()
    assert report.steps[2].findings[0].passed  # sample rows were loaded into the ltree columns


async def test_imported_back_as_custom(db: asyncpg.Connection) -> None:
    await db.execute("CREATE EXTENSION IF NOT EXISTS ltree")
    await db.execute("CREATE DOMAIN positive AS integer CHECK (VALUE > 0)")
    await db.execute("CREATE TABLE trees (id bigint PRIMARY KEY, path ltree NOT NULL, tags ltree[], "
                     "body tsvector, size positive)")
    imported = import_texts(await read_catalog(db))
    text = imported.texts["trees.yaml"]
    assert "  path:\n    type: custom\n    sql_type: ltree\n    required: true\n" in text
    assert "  tags:\n    type: array\n    items:\n      type: custom\n      sql_type: ltree\n" in text
    assert "  body:\n    type: custom\n    sql_type: tsvector\n" in text
    assert [str(p) for p in imported.errors if "size" in str(p)] == [
        "error: trees: column size is positive, a type the YAML language does not have (the database defines "
        "it: a domain or composite type); it is left out"]
