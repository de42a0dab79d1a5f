"""Property: every drawn valid schema either verifies through the whole pipeline (sample data
made by the engine, then tenant isolation, constraints, delete behaviour and index use) or is
refused at load with an error that names its place (file:line:col) and the reason."""

from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import HealthCheck, event, example, given, note, settings

from agent.jobs.generate import new_migrations
from agent.schema import load_schema_sources
from agent.schema.diagnostics import SchemaError
from agent.verify.pipeline import run_pipeline
from tests.generate.helpers import generate
from tests.property_budget import examples
from tests.verify.schema_strategy import Spec, render, schemas

pytestmark = pytest.mark.integration
ROWS = 40
_PLACE = re.compile(r"^t\d\d\.yaml:\d+:\d+ ")


async def _verify(server: str, tables: list[Spec]) -> None:
    files = render(tables)
    for name, text in files.items():
        note(f"--- {name}\n{text}")
    try:
        loaded = load_schema_sources(files)
    except SchemaError as error:
        lines = str(error).splitlines()
        assert lines and all(_PLACE.match(line) for line in lines if line.strip()), str(error)
        assert "required keys form a cycle" in str(error), str(error)
        event("refused at load: a cycle of required keys")
        return
    report = await run_pipeline(server, new_migrations(generate(loaded)), schema=loaded.schema, rows_per_table=ROWS)
    failures = [f"{s.name}: {f.table}: {f.message}" for s in report.steps for f in s.failures]
    skipped = [f"{s.name}: {s.skipped}" for s in report.steps if s.skipped]
    assert failures == [] and skipped == [], failures + skipped
    count = len(loaded.schema.tables)
    event(f"verified: {count} table(s)" if count < 4 else "verified: 4-12 tables")


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables=schemas())
@example(tables=[  # a table without a key whose rows look alike: the copy a CASCADE deletes is counted, not found
    {"n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [], "key": "id", "checks": [], "indexes": [],
     "columns": {"active": {"type": "boolean", "required": False, "default": True}}},
    {"n": 1, "scoped": True, "audit": False, "keys": [(0, False, "CASCADE")], "uniques": [], "key": "none",
     "checks": [], "indexes": [], "columns": {"active": {"type": "boolean", "required": False, "default": True}}}])
@example(tables=[{  # UNIQUE (code, status) that is the key (code, status): PostgreSQL would drop it in silence
    "n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [["code", "status"]], "key": ["code", "status"],
    "checks": [], "indexes": [],
    "columns": {"code": {"type": "string", "max_length": 24, "required": True, "unique": False},
                "status": {"type": "enum", "values": ["OPEN", "HELD", "DONE"], "required": True}}}])
@example(tables=[{  # a key of (code, start_on) beside `end_on > start_on`: a duplicate code repeats the key
    "n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [], "key": ["code", "start_on"],
    "columns": {"active": {"type": "boolean", "required": False, "default": True},
                "code": {"type": "string", "max_length": 24, "required": True, "unique": False},
                "end_on": {"type": "date", "required": False}, "qty": {"type": "integer", "required": False},
                "start_on": {"type": "date", "required": True}},
    "checks": ["char_length(code) >= 3", "code ~ '^[A-Z]{2}-[0-9]{3,5}$'",
               "end_on IS NULL OR end_on >= start_on + interval '2 days'", "end_on > start_on",
               "end_on >= start_on + 1", "qty BETWEEN 1 AND 50", "qty IN (1, 2, 3, 5, 8, 13)",
               "NOT (qty = 4) AND qty <> 7"],
    "indexes": [{"columns": ["lower(code)"], "unique": True}]}])
@example(tables=[{  # a key of (qty, code) beside `price >= qty`: the copy varies code, not the compared qty
    "n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [], "key": ["qty", "code"], "indexes": [],
    "columns": {"active": {"type": "boolean", "required": False, "default": True},
                "code": {"type": "string", "max_length": 24, "required": True, "unique": False},
                "price": {"type": "decimal", "precision": 10, "scale": 2, "required": False},
                "qty": {"type": "integer", "required": True},
                "status": {"type": "enum", "values": ["OPEN", "HELD", "DONE"], "required": False}},
    "checks": ["char_length(code) >= 3", "code ~ '^[A-Z]{2}-[0-9]{3,5}$'", "price >= qty",
               "NOT (qty = 4) AND qty <> 7", "status IS DISTINCT FROM 'HELD' OR active IS NOT TRUE",
               "(status = 'OPEN' AND qty > 2) OR status <> 'OPEN'"]}])
@example(tables=[{  # a key of (code, qty) with qty confined to six values: the duplicate of lower(code) repeats it
    "n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [], "key": ["code", "qty"],
    "columns": {"active": {"type": "boolean", "required": False, "default": True},
                "code": {"type": "string", "max_length": 24, "required": True, "unique": False},
                "qty": {"type": "integer", "required": True, "minimum": 0}},
    "checks": ["char_length(code) >= 3", "code ~ '^[A-Z]{2}-[0-9]{3,5}$'", "qty BETWEEN 1 AND 50",
               "qty IN (1, 2, 3, 5, 8, 13)", "NOT (qty = 4) AND qty <> 7"],
    "indexes": [{"columns": ["lower(code)"], "unique": True}]}])
@example(tables=[{  # a key of (code, price) beside UNIQUE lower(code): a duplicate code repeats the key too
    "n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [], "key": ["code", "price"],
    "columns": {"code": {"type": "string", "max_length": 24, "required": True, "unique": False},
                "price": {"type": "decimal", "precision": 10, "scale": 2, "required": True}},
    "checks": ["char_length(code) >= 3", "code ~ '^[A-Z]{2}-[0-9]{3,5}$'"],
    "indexes": [{"columns": ["lower(code)"], "unique": True}]}])
@example(tables=[{  # a patterned code under a unique expression index: copies need codes the pattern takes
    "n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [],
    "columns": {"active": {"type": "boolean", "required": False, "default": True},
                "at": {"type": "timestamp", "required": False},
                "code": {"type": "string", "max_length": 24, "required": False, "unique": False}},
    "checks": ["char_length(code) >= 3", "code ~ '^[A-Z]{2}-[0-9]{3,5}$'"],
    "indexes": [{"columns": ["lower(code)"], "unique": True}]}])
@example(tables=[  # two required self-references that must differ: the first row points at a later one
    {"n": 0, "scoped": True, "audit": False, "keys": [(0, True, "RESTRICT"), (0, True, "CASCADE")], "uniques": [],
     "columns": {"active": {"type": "boolean", "required": False, "default": True}}, "checks": [], "indexes": []}])
@example(tables=[  # a required self-reference: a copy moved to the other tenant points at a row there
    {"n": 0, "scoped": True, "audit": False, "keys": [(0, True, "RESTRICT")], "uniques": [], "checks": [],
     "columns": {"code": {"type": "string", "max_length": 24, "required": False, "unique": False}},
     "indexes": [{"columns": ["lower(code)"], "unique": True}]}])
@example(tables=[  # `price >= qty`: PostgreSQL stores the integer column cast to numeric
    {"n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [], "indexes": [],
     "columns": {"price": {"type": "decimal", "precision": 10, "scale": 2, "required": False},
                 "qty": {"type": "integer", "required": False}, "at": {"type": "timestamp", "required": False},
                 "start_on": {"type": "date", "required": True}},
     "checks": ["price >= qty", "qty BETWEEN 1 AND 50", "qty IN (1, 2, 3, 5, 8, 13)", "at >= start_on"]}])
@example(tables=[  # an array of varchar(12): its elements fit their width
    {"n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [], "indexes": [], "checks": [],
     "columns": {"tags": {"type": "array", "items": {"type": "string", "max_length": 12}, "required": False}}}])
@example(tables=[  # UNIQUE (code, status) beside UNIQUE lower(code): a duplicate code repeats both
    {"n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [["code", "status"]],
     "columns": {"code": {"type": "string", "max_length": 24, "required": False, "unique": False},
                 "status": {"type": "enum", "values": ["OPEN", "HELD", "DONE"], "required": False, "default": "OPEN"}},
     "checks": ["char_length(code) >= 3", "code ~ '^[A-Z]{2}-[0-9]{3,5}$'"],
     "indexes": [{"columns": ["lower(code)"], "unique": True}]}])
@example(tables=[  # per-tenant unique code beside a global unique lower(code): another tenant repeats the latter
    {"n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [],
     "columns": {"code": {"type": "string", "max_length": 24, "required": False, "unique": True},
                 "status": {"type": "enum", "values": ["OPEN", "HELD", "DONE"], "required": False}},
     "checks": ["char_length(code) >= 3", "code ~ '^[A-Z]{2}-[0-9]{3,5}$'"],
     "indexes": [{"columns": ["lower(code)"], "unique": True}]}])
@example(tables=[  # a cycle t03 <-> t06 where t03's two keys must differ: t06 goes first, its key linked later
    {"n": 3, "scoped": True, "audit": False, "keys": [(1, False, "NO ACTION"), (1, False, "SET NULL")],
     "uniques": [], "indexes": [], "checks": [],
     "columns": {"active": {"type": "boolean", "required": False, "default": True}}},
    {"n": 6, "scoped": True, "audit": False, "keys": [(0, False, "SET NULL")], "uniques": [], "indexes": [],
     "checks": [], "columns": {"active": {"type": "boolean", "required": False, "default": True}}}])
@example(tables=[  # t02's two keys into t00 close a cycle and must differ: linked later, each to its own row
    {"n": 0, "scoped": True, "audit": False, "keys": [(2, True, "RESTRICT")], "uniques": [], "indexes": [],
     "checks": [], "columns": {"active": {"type": "boolean", "required": False, "default": True}}},
    {"n": 1, "scoped": True, "audit": False, "keys": [], "uniques": [], "indexes": [], "checks": [],
     "columns": {"active": {"type": "boolean", "required": False, "default": True}}},
    {"n": 2, "scoped": True, "audit": False, "keys": [(0, False, "RESTRICT"), (0, False, "RESTRICT")],
     "uniques": [], "indexes": [], "checks": [],
     "columns": {"active": {"type": "boolean", "required": False, "default": True}}}])
@example(tables=[  # two keys to one table and `<>`: a copy moved to the other tenant needs two parents
    {"n": 0, "scoped": True, "audit": False, "keys": [], "uniques": [], "checks": [], "indexes": [],
     "columns": {"active": {"type": "boolean", "required": False, "default": True}}},
    {"n": 2, "scoped": True, "audit": False, "keys": [(0, False, "RESTRICT"), (0, False, "RESTRICT")], "uniques": [],
     "columns": {"code": {"type": "string", "max_length": 24, "required": False, "unique": False}},
     "checks": ["code ~ '^[A-Z]{2}-[0-9]{3,5}$'"], "indexes": [{"columns": ["lower(code)"], "unique": True}]}])
def test_every_drawn_schema_verifies_or_is_refused_at_load(postgres_server_url: str, tables: list[Spec]) -> None:
    asyncio.run(_verify(postgres_server_url, tables))
