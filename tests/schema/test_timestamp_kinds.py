"""`timestamp` with `time_zone: false` and `precision` (issue 23): what Prisma's DateTime is
(`TIMESTAMP(3)`), generated, applied, compared with the catalog and imported back."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.importing import import_texts
from agent.schema import SchemaError, load_schema_sources
from agent.verify.schema_compare import compare_schema
from tests.generate.helpers import generate
from tests.generate.test_apply import apply_up

EVENTS = """version: 1
entity: Event
table: events
tenant_scoped: false
audit: false
properties:
  seen_at: {type: timestamp, time_zone: false, precision: 3, required: true, default: {sql: CURRENT_TIMESTAMP}}
  noted_at: {type: timestamp, time_zone: false}
  sent_at: {type: timestamp, precision: 0}
"""


def test_the_sql_types() -> None:
    sql = generate(load_schema_sources({"events.yaml": EVENTS})).migrations[0].up_sql
    assert "seen_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP" in sql
    assert "noted_at TIMESTAMP,\n" in sql and "sent_at TIMESTAMPTZ(0)" in sql


@pytest.mark.parametrize(("field", "message"), [
    ("{type: timestamp, precision: 7}", "at most 6 digits"),
    ("{type: date, time_zone: false}", "`time_zone` applies to timestamp, not date"),
    ("{type: decimal, precision: 0}", "a precision of at least 1"),
])
def test_misfits_are_refused(field: str, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        load_schema_sources({"events.yaml": EVENTS + f"  other: {field}\n"})


async def test_applied_compared_and_imported_back(db: asyncpg.Connection) -> None:
    loaded = load_schema_sources({"events.yaml": EVENTS})
    await apply_up(db, generate(loaded))
    catalog = await read_catalog(db)
    types = {c.name: c.type for c in catalog.table("events").columns}  # type: ignore[union-attr]
    assert types["seen_at"] == "timestamp(3) without time zone"
    assert types["sent_at"] == "timestamp(0) with time zone"
    assert [f.message for f in compare_schema(loaded.schema, catalog) if not f.passed] == []
    imported = import_texts(catalog)
    assert imported.errors == []
    text = imported.texts["events.yaml"]
    assert "  seen_at:\n    type: timestamp\n    precision: 3\n    time_zone: false\n    required: true\n" in text
    assert load_schema_sources(imported.texts).schema.table("events") == loaded.schema.table("events")


def test_an_unbounded_varchar_is_said_with_varchar_true() -> None:
    files = {"events.yaml": EVENTS + "  label: {type: string, varchar: true}\n"}
    assert "label VARCHAR,\n" in generate(load_schema_sources(files)).migrations[0].up_sql
    with pytest.raises(SchemaError, match="`max_length` already makes it VARCHAR"):
        load_schema_sources({"events.yaml": EVENTS + "  label: {type: string, varchar: true, max_length: 5}\n"})
    with pytest.raises(SchemaError, match="`varchar` applies to string, not text"):
        load_schema_sources({"events.yaml": EVENTS + "  label: {type: text, varchar: true}\n"})
