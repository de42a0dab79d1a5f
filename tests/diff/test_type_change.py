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
