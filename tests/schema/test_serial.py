"""`serial: true` (issue 23): a key numbered by a sequence of its own, as Prisma's autoincrement()
makes it; generated as SERIAL, compared with the catalog, and imported back without a loss."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.importing import import_texts
from agent.schema import SchemaError, load_schema_sources
from agent.verify.schema_compare import compare_schema
from tests.generate.helpers import generate
from tests.generate.test_apply import apply_up

TEAM = """version: 1
entity: Team
table: Team
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true, required: true}
  rank: {type: bigint, serial: true}
  name: {type: text, required: true}
"""


def test_serial_columns_are_created_as_serial() -> None:
    sql = generate(load_schema_sources({"team.yaml": TEAM})).migrations[0].up_sql
    assert "id SERIAL NOT NULL," in sql and "rank BIGSERIAL NOT NULL," in sql and "nextval" not in sql


@pytest.mark.parametrize(("field", "message"), [
    ("{type: integer, serial: true, default: 1}", "takes its default from its sequence"),
    ("{type: text, serial: true}", "`serial` applies to bigint, integer, smallint, not text"),
])
def test_misfits_are_refused(field: str, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        load_schema_sources({"team.yaml": TEAM + f"  other: {field}\n"})


async def test_applied_compared_and_imported_back(db: asyncpg.Connection) -> None:
    loaded = load_schema_sources({"team.yaml": TEAM})
    await apply_up(db, generate(loaded))
    catalog = await read_catalog(db)
    assert [f.message for f in compare_schema(loaded.schema, catalog) if not f.passed] == []
    assert sorted(s.name for s in catalog.sequences) == ["Team_id_seq", "Team_rank_seq"]
    imported = import_texts(catalog)
    assert imported.errors == []
    assert "  id:\n    type: integer\n    required: true\n    serial: true\n" in imported.texts["team.yaml"]
    assert load_schema_sources(imported.texts).schema.table("Team") == loaded.schema.table("Team")


async def test_a_sequence_with_settings_of_its_own_is_an_sql_object(db: asyncpg.Connection) -> None:
    """Not `serial: true` (which would make the sequence again, with SERIAL's settings): the
    sequence is carried with its own settings, owned by the column, and the column's default
    advances it."""
    await db.execute('CREATE TABLE "Team" (id serial PRIMARY KEY); ALTER SEQUENCE "Team_id_seq" INCREMENT BY 10')
    imported = import_texts(await read_catalog(db))
    assert imported.errors == []
    assert "serial" not in imported.texts["team.yaml"]
    schema = load_schema_sources(imported.texts).schema
    team = schema.table("Team")
    assert team is not None and team.column("id").default == """nextval(CAST('"Team_id_seq"' AS regclass))"""
    (sequence,) = schema.sql_objects
    assert "INCREMENT BY 10" in sequence.create and sequence.owned_by == ("Team", "id")
