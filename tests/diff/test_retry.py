"""A concurrent index build that fails leaves an INVALID index; running the file again cleans it up."""

from __future__ import annotations

import asyncpg
import pytest

from agent.jobs.generate import generate_migrations
from agent.schema import load_schema_sources
from agent.schema.tables import Schema
from agent.verify.apply import ApplyError, apply_sql
from tests.diff.test_change_kinds import BASE, diff
from tests.generate.helpers import NOW

pytestmark = pytest.mark.integration


async def test_rerun_after_a_failed_unique_build_drops_the_invalid_index(db: asyncpg.Connection) -> None:
    old = load_schema_sources({"items.yaml": BASE, "owners.yaml": "version: 1\nentity: Owner\ntable: owners\n"})
    for migration in generate_migrations(old, Schema(), NOW, []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute("ALTER TABLE items NO FORCE ROW LEVEL SECURITY")
    await db.execute("INSERT INTO items (tenant_id, code) VALUES ($1, 'SAME'), ($1, 'SAME')",
                     "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")
    outcome = diff(BASE.replace("    required: true\n  status", "    required: true\n    unique: true\n  status"))
    (index_file,) = [m for m in outcome.migrations if m.slug == "index_items"]
    with pytest.raises(ApplyError, match="could not create unique index"):
        await apply_sql(db, index_file.up_name, index_file.up_sql)
    invalid = "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid " \
              "WHERE c.relname = 'items_tenant_id_code_key' AND NOT i.indisvalid"
    assert await db.fetchval(invalid) == 1
    await db.execute("UPDATE items SET code = 'OTHER' WHERE ctid = (SELECT min(ctid) FROM items)")
    await apply_sql(db, index_file.up_name, index_file.up_sql)
    assert await db.fetchval(invalid) == 0
    assert await db.fetchval("SELECT count(*) FROM pg_constraint WHERE conname = 'items_tenant_id_code_key'") == 1
