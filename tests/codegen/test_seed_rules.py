"""Seed data honours the checks a column's rules make (patterns, minimum lengths), in the database."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from agent.codegen import CodegenOptions, render
from agent.jobs.generate import generate_migrations
from agent.schema import load_schema_sources
from agent.schema.tables import Schema
from agent.verify.apply import apply_sql
from tests.verify.test_pipeline import PATTERNED

pytestmark = pytest.mark.integration


async def test_seed_rows_of_patterned_columns_are_accepted_by_their_checks(db: asyncpg.Connection) -> None:
    loaded = load_schema_sources({"parts.yaml": PATTERNED})
    for migration in generate_migrations(loaded, Schema(), dt.datetime(2026, 1, 1, tzinfo=dt.UTC), []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_user")
    sql = render(loaded.schema, ["seed"], CodegenOptions(rows=40))["seed/dev.sql"]
    await db.execute("SET ROLE app_user")
    await apply_sql(db, "dev.sql", sql)
    await db.execute("RESET ROLE")
    rows = await db.fetch("SELECT tenant_id, sku, name, code FROM parts")
    assert len(rows) == 80  # 40 per tenant, two tenants
    assert all(len(r["name"]) >= 5 for r in rows)
    coded = [(r["tenant_id"], r["code"]) for r in rows if r["code"]]
    assert coded and len(set(coded)) == len(coded)  # unique per tenant
