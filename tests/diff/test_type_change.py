"""A column's type changes on a real database while policies and checks read it: they survive,
the table is not scanned for a widening, and down restores the exact before."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from agent.catalog import fingerprint, read_catalog
from agent.jobs.generate import generate_migrations
from agent.schema import load_schema_sources
from agent.schema.tables import Schema
from agent.verify.apply import apply_sql, columns_by_name, without_backups
from agent.verify.schema_compare import compare_schema
from tests.diff.test_change_kinds import BASE, PARENT, POLICY, diff

pytestmark = pytest.mark.integration


async def test_widening_an_enum_read_by_a_policy_round_trips_exactly(db: asyncpg.Connection) -> None:
    old = load_schema_sources({"items.yaml": BASE + POLICY, "owners.yaml": PARENT})
    for migration in generate_migrations(old, Schema(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    before = fingerprint(without_backups(await read_catalog(db)))
    change = diff(BASE.replace("values: [NEW, DONE]", "values: [NEW, DONE, ARCHIVED]") + POLICY).migrations
    for migration in change:
        await apply_sql(db, migration.up_name, migration.up_sql)
    assert await db.fetchval("SELECT count(*) FROM pg_policies WHERE policyname = 'items_hide_done'") == 1
    assert await db.fetchval("SELECT character_maximum_length FROM information_schema.columns "
                             "WHERE table_name = 'items' AND column_name = 'status'") == 8
    for migration in reversed(change):
        await apply_sql(db, migration.down_name, migration.down_sql)
    assert fingerprint(without_backups(await read_catalog(db))) == before


WIDE = BASE.replace("max_length: 20", "max_length: 30")


@pytest.mark.parametrize(("old", "new"), [
    (BASE + POLICY.replace("status", "code").replace("'DONE'", "'zz'"), WIDE),  # the policy goes
    (BASE + POLICY.replace("status", "code").replace("'DONE'", "'zz'"),
     WIDE + POLICY.replace("status", "code").replace("'DONE'", "'yy'")),  # the policy changes
    (WIDE, BASE + POLICY.replace("status", "code").replace("'DONE'", "'zz'")),  # narrowed, policy comes
    (WIDE + POLICY.replace("status", "code").replace("'DONE'", "'zz'"),
     BASE.replace("table: items\n", "table: items\ntenant_scoped: false\n")),  # narrowed, policies go late
], ids=["dropped", "changed", "added", "narrowed-as-tenant-scoped-turns-off"])
async def test_a_type_change_meets_a_policy_the_same_change_swaps(db: asyncpg.Connection, old: str, new: str) -> None:
    """Found by tests/diff/test_property_tables.py: 'cannot alter type of a column used in a policy
    definition' when the policy was not one that stays as it is. (Turning tenant_scoped off adds
    the tenant column back last on the way down: columns are compared by name.)"""
    first = load_schema_sources({"items.yaml": old, "owners.yaml": PARENT})
    for migration in generate_migrations(first, Schema(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    before = fingerprint(columns_by_name(without_backups(await read_catalog(db))))
    change = diff(new, old_items=old, destructive=True).migrations
    for migration in change:
        await apply_sql(db, migration.up_name, migration.up_sql)
    for migration in reversed(change):
        await apply_sql(db, migration.down_name, migration.down_sql)
    assert fingerprint(columns_by_name(without_backups(await read_catalog(db)))) == before


CHECKS = ("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
          "WHERE conrelid = 'items'::regclass AND contype = 'c' ORDER BY conname")
CODE_CHECK = "constraints:\n  - name: items_code_check\n    check: code <> ''\n"


async def _scans(db: asyncpg.Connection) -> int:
    await db.execute("SELECT pg_stat_force_next_flush()")
    return int(await db.fetchval("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'items'"))


@pytest.mark.parametrize(("old", "new"), [
    (BASE, BASE.replace("values: [NEW, DONE]", "values: [NEW, DONE, ARCHIVED]")),
    (BASE + CODE_CHECK, WIDE + CODE_CHECK),
], ids=["enum-widened", "checked-column-widened"])
async def test_a_widening_reads_no_row_and_leaves_the_checks_as_a_fresh_build_has_them(
        db: asyncpg.Connection, old: str, new: str) -> None:
    """PostgreSQL checks every row again against the checks on a column whose type changes, even
    for a widening, under ACCESS EXCLUSIVE: they come off and back NOT VALID in the same statement
    and are validated later. Added before the widening, a check was stored in another form."""
    first = load_schema_sources({"items.yaml": old, "owners.yaml": PARENT})
    for migration in generate_migrations(first, Schema(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute("INSERT INTO items (tenant_id, code) SELECT gen_random_uuid(), 'c' || i "
                     "FROM generate_series(1, 50) AS i")
    before, checks_before = fingerprint(without_backups(await read_catalog(db))), await db.fetch(CHECKS)
    expand, *rest = diff(new, old_items=old).migrations
    scans = await _scans(db)
    await apply_sql(db, expand.up_name, expand.up_sql)
    assert await _scans(db) == scans
    for migration in rest:
        await apply_sql(db, migration.up_name, migration.up_sql)
    fresh = await db.fetch(CHECKS)
    assert "NOT VALID" not in str(fresh)
    for migration in reversed([expand, *rest]):
        await apply_sql(db, migration.down_name, migration.down_sql)
    assert await db.fetch(CHECKS) == checks_before
    assert fingerprint(without_backups(await read_catalog(db))) == before
    await db.execute("DROP TABLE items, owners CASCADE; DROP FUNCTION update_updated_at_column()")
    built = load_schema_sources({"items.yaml": new, "owners.yaml": PARENT})
    for migration in generate_migrations(built, Schema(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    assert await db.fetch(CHECKS) == fresh


EXPRESSION_INDEXES = ("  - name: idx_items_lower_code\n    columns: [lower(code)]\n"
                      "  - name: idx_items_open_qty\n    columns: [qty]\n    where: code <> ''\n"
                      "  - name: idx_items_upper_code\n    columns: [upper(code)]\n    unique: true\n")
INDEX_FILES = ("SELECT c.relname, c.relfilenode FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid "
               "WHERE i.indrelid = 'items'::regclass ORDER BY 1")


async def test_a_widening_builds_no_index_again_under_its_lock_except_a_unique_one(db: asyncpg.Connection) -> None:
    """PostgreSQL builds again every index that reads the column in an expression or a WHERE, under
    the ALTER's lock. Those are dropped concurrently first (prepare) and built concurrently after;
    a unique one stays, since without it duplicates could get in meanwhile."""
    old = BASE.replace("indexes:\n", "indexes:\n" + EXPRESSION_INDEXES)
    new = old.replace("max_length: 20", "max_length: 30")
    first = load_schema_sources({"items.yaml": old, "owners.yaml": PARENT})
    for migration in generate_migrations(first, Schema(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    before = fingerprint(without_backups(await read_catalog(db)))
    change = diff(new, old_items=old).migrations
    assert [m.slug for m in change] == ["prepare_items", "expand_items", "index_items"]
    prepare, expand, index = change
    assert "DROP INDEX CONCURRENTLY idx_items_lower_code;" in prepare.up_sql
    assert "DROP INDEX CONCURRENTLY idx_items_open_qty;" in prepare.up_sql
    assert "idx_items_upper_code" not in prepare.up_sql + index.up_sql
    await apply_sql(db, prepare.up_name, prepare.up_sql)
    files = {r["relname"]: r["relfilenode"] for r in await db.fetch(INDEX_FILES)}
    await apply_sql(db, expand.up_name, expand.up_sql)
    after = {r["relname"]: r["relfilenode"] for r in await db.fetch(INDEX_FILES)}
    assert {n for n in files if files[n] != after[n]} == {"idx_items_upper_code"}
    await apply_sql(db, index.up_name, index.up_sql)
    built = load_schema_sources({"items.yaml": new, "owners.yaml": PARENT})
    findings = compare_schema(built.schema, await read_catalog(db), column_order=False)
    assert [f.message for f in findings if not f.passed] == []
    for migration in reversed(change):
        await apply_sql(db, migration.down_name, migration.down_sql)
    assert fingerprint(without_backups(await read_catalog(db))) == before
