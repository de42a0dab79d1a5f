"""A 200-table schema with cross references and a reference cycle: generate, apply, roll back."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import compare, read_catalog
from agent.verify.apply import apply_sql, without_backups
from tests.generate.helpers import generate, load
from tests.generate.synthetic import synthetic_schema


def test_the_cycle_is_closed_by_a_later_migration() -> None:
    outcome = generate(load(synthetic_schema(12)))
    slugs = [m.slug for m in outcome.migrations]
    assert slugs[-1] == "add_t0001_foreign_keys"
    assert slugs.index("create_t0001") < slugs.index("create_t0002") < slugs.index("create_t0003")
    closing = outcome.migrations[-1]
    assert "ADD CONSTRAINT t0001_ref_0_id_fkey FOREIGN KEY" in closing.up_sql
    assert "NOT VALID" in closing.up_sql and "VALIDATE CONSTRAINT t0001_ref_0_id_fkey" in closing.up_sql
    assert "t0001_ref_0_id_fkey" not in outcome.migrations[0].up_sql.split("-- Indexes")[0]
    assert "ALTER TABLE t0001 DROP CONSTRAINT t0001_ref_0_id_fkey;" in closing.down_sql


@pytest.mark.integration
async def test_two_hundred_tables_apply_and_roll_back_cleanly(db: asyncpg.Connection) -> None:
    outcome = generate(load(synthetic_schema(200)))
    assert len(outcome.migrations) == 201
    before = await read_catalog(db)
    for migration in outcome.migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    assert len((await read_catalog(db)).tables) == 200
    for migration in reversed(outcome.migrations):
        await apply_sql(db, migration.down_name, migration.down_sql)
    assert compare(before, without_backups(await read_catalog(db))) == []
